import { IsDefined, Length, Matches, ValidateIf } from 'class-validator';

/** A name: 1 to 255 characters, not blank, no leading or trailing spaces. */
export function NameRules(): PropertyDecorator {
  return (target, key) => {
    Length(1, 255)(target, key);
    Matches(/^\S(.*\S)?$/s, { message: 'name must not be blank or start or end with white space' })(target, key);
  };
}

/** Optional, but not nullable: leaving it out keeps the value, `null` is refused. */
export function NotNullIfGiven(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_object, value) => value !== undefined)(target, key);
    IsDefined({ message: '$property may be left out, but not set to null' })(target, key);
  };
}
