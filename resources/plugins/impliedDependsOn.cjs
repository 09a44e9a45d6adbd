'use strict';

/**
 * Serverless Framework plugin: drops each `DependsOn` entry that a `Ref`, `Fn::GetAtt` or
 * `Fn::Sub` in the same resource already implies. The framework adds such entries itself
 * (a function on its role and log group, a route on its integration, the API stage on its
 * access log group); CloudFormation linters warn on them (cfn-lint W3005), and the template
 * is kept lint-clean. Ordering is unchanged: CloudFormation derives the same edges from the
 * references.
 */

/** The logical ids a value refers to through Ref, Fn::GetAtt or Fn::Sub. */
const referencedIds = (value, found = new Set()) => {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, found);
    return found;
  }
  if (value === null || typeof value !== 'object') return found;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') found.add(inner);
    else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(inner) ? inner[0] : String(inner).split('.')[0];
      if (typeof target === 'string') found.add(target);
    } else if (key === 'Fn::Sub') {
      const text = Array.isArray(inner) ? inner[0] : inner;
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) found.add(match[1]);
      }
      if (Array.isArray(inner)) referencedIds(inner[1], found);
    } else referencedIds(inner, found);
  }
  return found;
};

/** Removes, in place, the DependsOn entries the resources' own references imply; returns them. */
const dropImpliedDependsOn = (resources) => {
  const dropped = [];
  for (const [name, resource] of Object.entries(resources)) {
    if (resource.DependsOn === undefined) continue;
    const implied = referencedIds({ Properties: resource.Properties, Condition: resource.Condition });
    const kept = [resource.DependsOn].flat().filter((dependency) => {
      if (!implied.has(dependency)) return true;
      dropped.push(`${name} -> ${dependency}`);
      return false;
    });
    if (kept.length === 0) delete resource.DependsOn;
    else resource.DependsOn = kept;
  }
  return dropped;
};

class ImpliedDependsOnPlugin {
  constructor(serverless) {
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => {
        dropImpliedDependsOn(serverless.service.provider.compiledCloudFormationTemplate.Resources);
      },
    };
  }
}

module.exports = ImpliedDependsOnPlugin;
module.exports.referencedIds = referencedIds;
module.exports.dropImpliedDependsOn = dropImpliedDependsOn;
