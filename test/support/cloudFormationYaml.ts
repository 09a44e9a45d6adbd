import { parse, type Tags } from 'yaml';

/** CloudFormation's short-form intrinsic functions, read as their long JSON forms. */
const INTRINSICS = [
  'Sub',
  'GetAtt',
  'Equals',
  'If',
  'Not',
  'And',
  'Or',
  'Split',
  'Join',
  'Select',
  'FindInMap',
];
const customTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  ...INTRINSICS.flatMap((name) => [
    { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (value: { toJSON(): unknown }) => ({ [`Fn::${name}`]: value.toJSON() }),
    },
  ]),
];

/** A CloudFormation template written in YAML, as plain data. */
export const parseCloudFormationYaml = (text: string): unknown => parse(text, { customTags });
