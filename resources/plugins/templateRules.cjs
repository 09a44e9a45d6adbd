'use strict';

/**
 * Serverless Framework plugin: puts `custom.cloudFormationRules` into the template's `Rules`
 * section, which osls does not accept under `resources`. CloudFormation checks a template's
 * rules against the parameters before it creates or changes anything, so that a deploy whose
 * parameters cannot work is refused at once, with the rule's description, instead of succeeding
 * and failing at run time.
 */
class TemplateRulesPlugin {
  constructor(serverless) {
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => {
        const rules = serverless.service.custom?.cloudFormationRules;
        if (!rules) return;
        const template = serverless.service.provider.compiledCloudFormationTemplate;
        template.Rules = { ...(template.Rules ?? {}), ...rules };
      },
    };
  }
}

module.exports = TemplateRulesPlugin;
