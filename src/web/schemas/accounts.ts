import { z } from 'zod';

/* Forms of the signed-in areas. Bodies are urlencoded; `_csrf` is checked before these run. */

const email = z.string().trim().toLowerCase().max(254).pipe(z.email());
const password = z.string().max(1024);

export const LoginForm = z.strictObject({ email: z.string().trim().max(254), password, _csrf: z.string().optional() });
export type LoginForm = z.infer<typeof LoginForm>;

export const WelcomeForm = z.strictObject({ email, password, confirm: password, _csrf: z.string().optional() });
export type WelcomeForm = z.infer<typeof WelcomeForm>;

export const PasswordForm = z.strictObject({ password, confirm: password, _csrf: z.string().optional() });
export type PasswordForm = z.infer<typeof PasswordForm>;

export const ResetForm = z.strictObject({ email: z.string().trim().max(254), _csrf: z.string().optional() });
export type ResetForm = z.infer<typeof ResetForm>;

export const TokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
export type TokenParams = z.infer<typeof TokenParams>;

/** The profile form: links one per line. */
export const ProfileForm = z.strictObject({
  bio: z.string().max(20_000).default(''),
  links: z.string().max(20_000).default(''),
  photoUrl: z.string().max(5_000).default(''),
  /** Self-declared, all optional: empty means "prefer not to say". */
  gender: z.string().trim().max(60).default(''),
  /** One of the IBGE categories, or the value stored (the route checks which). */
  raceColor: z.string().trim().max(60).default(''),
  lgbt: z.enum(['', 'yes', 'no']).catch(''),
  collective: z.enum(['', 'yes', 'no']).catch(''),
  _csrf: z.string().optional(),
});
export type ProfileForm = z.infer<typeof ProfileForm>;
