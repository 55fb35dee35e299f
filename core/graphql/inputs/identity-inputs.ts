import { IsOptional, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../../access/roles.js';
import { DateTime } from '../../scalars.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const USERNAME_RULE = 'a username is 1 to 64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';

@InputType()
export class CreateUserInput {
  @Field()
  @Matches(USERNAME, { message: USERNAME_RULE })
  username!: string;

  @Field({ description: 'At least 8 characters; stored only as a salted scrypt hash.' })
  @Length(8, 1024)
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200)
  displayName?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  isAdmin?: boolean;
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(8, 1024)
  password?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200)
  displayName?: string | null;

  @Field(() => Boolean, { nullable: true })
  isAdmin?: boolean | null;
}

@InputType()
export class CreateGroupInput {
  @Field()
  @Matches(USERNAME, { message: 'a group name is 1 to 64 lower-case letters, digits, ".", "_" or "-"' })
  name!: string;
}

@InputType()
export class CreateApiTokenInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => DateTime, { nullable: true, description: 'After this the token is refused; null: it never expires.' })
  expiresAt?: Date | null;
}

@InputType({ description: 'A role for exactly one of userId and groupId, on objectId (omitted: on every object).' })
export class RoleAssignmentInput {
  @Field(() => Role)
  role!: Role;

  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => ID, { nullable: true })
  groupId?: string | null;

  @Field(() => ID, { nullable: true })
  objectId?: string | null;
}
