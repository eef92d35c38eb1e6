import type { User } from '../domain/user';

/** The `user` of the API contract: `{ id, email, name, role, createdAt, updatedAt }`. The version travels in `ETag`. */
export interface UserResponse {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function userResponse(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
