import { ArrayNotEmpty, ValidateBy } from 'class-validator';
import { Field, InputType, Resolver } from 'type-graphql';
import { createBaseResolver, CreateRemoteInput, NotNullIfGiven, UpdateRemoteInput } from '../../../core/plugin-api.js';
import { NpmRemote } from '../entities/npm-remote.js';
import { parsePackageSpec } from '../registry/package-spec.js';

/** Every entry reads as a package spec, or the input is refused naming the first that does not. */
function IsPackageSpecs(): PropertyDecorator {
  return ValidateBy({
    name: 'isPackageSpecs',
    validator: {
      validate: (value: unknown) => Array.isArray(value) && value.every((s) => typeof s === 'string' && parsePackageSpec(s) !== null),
      defaultMessage: (args) => {
        const wrong = (args?.value as unknown[]).find((s) => typeof s !== 'string' || parsePackageSpec(s) === null);
        return `packages: "${String(wrong)}" is not a package spec like "left-pad", "@scope/pkg@^2" or "pkg@next"`;
      },
    },
  });
}

@InputType()
export class CreateNpmRemoteInput extends CreateRemoteInput {
  @Field(() => [String], { description: 'Package specs to mirror: "left-pad" (every version), "@scope/pkg@^2" (a range), "pkg@next" (a tag).' })
  @ArrayNotEmpty()
  @IsPackageSpecs()
  packages!: string[];

  @Field(() => Boolean, { nullable: true, description: 'Also mirror what npm would install with each version (default false).' })
  @NotNullIfGiven()
  followDependencies?: boolean;
}

@InputType()
export class UpdateNpmRemoteInput extends UpdateRemoteInput {
  @Field(() => [String], { nullable: true })
  @NotNullIfGiven()
  @ArrayNotEmpty()
  @IsPackageSpecs()
  packages?: string[];

  @Field(() => Boolean, { nullable: true })
  @NotNullIfGiven()
  followDependencies?: boolean;
}

@Resolver(() => NpmRemote)
export class NpmRemoteResolver extends createBaseResolver({
  entity: NpmRemote,
  createInput: CreateNpmRemoteInput,
  updateInput: UpdateNpmRemoteInput,
}) {}
