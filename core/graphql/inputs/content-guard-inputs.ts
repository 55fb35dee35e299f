import { Length, Matches } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { NamedFields } from './named-fields.js';
import { NotNullIfGiven } from './name-rules.js';

/** Fields of every content guard's create and update input; in an update every field is optional. */
function contentGuardInput(update: boolean) {
  @InputType(`${update ? 'Update' : 'Create'}ContentGuardFields`)
  class ContentGuardInput extends NamedFields(update) {
  }

  @InputType(update ? 'UpdateHeaderContentGuardInput' : 'CreateHeaderContentGuardInput')
  class HeaderContentGuardInput extends ContentGuardInput {
    @Field(() => String, { nullable: update, description: 'The request header a download must carry, e.g. "x-cdn-secret".' })
    @NotNullIfGiven()
    @Length(1, 255)
    @Matches(/^[!#$%&'*+.^`|~\w-]+$/, { message: 'headerName must be an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)' })
    headerName!: string;

    // HTTP drops white space around a header's value, so a value with some could never match.
    @Field(() => String, { nullable: update, description: 'The exact value that header must have: printable ASCII, no white space at either end.' })
    @NotNullIfGiven()
    @Length(1, 4096)
    @Matches(/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/, { message: 'headerValue must be printable ASCII without white space at either end' })
    headerValue!: string;
  }
  return { ContentGuardInput, HeaderContentGuardInput };
}

const create = contentGuardInput(false);
const update = contentGuardInput(true);
export const CreateContentGuardInput = create.ContentGuardInput;
export const UpdateContentGuardInput = update.ContentGuardInput;
export const CreateHeaderContentGuardInput = create.HeaderContentGuardInput;
export const UpdateHeaderContentGuardInput = update.HeaderContentGuardInput;
