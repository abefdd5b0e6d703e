import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/services/passwords.js';
import { hashToken, newToken } from '../../src/services/tokens.js';

describe('passwords', () => {
  it('hashes with scrypt at N = 2^17 by default, and verifies', async () => {
    const { passwordScryptLogN } = loadConfig({});
    expect(passwordScryptLogN).toBe(17);
    const hash = await hashPassword('uma frase longa e só minha', passwordScryptLogN);
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('uma frase longa e só minha', hash)).toBe(true);
    expect(await verifyPassword('uma frase longa e so minha', hash)).toBe(false);
    // Two hashes of one password differ (random salt).
    expect(await hashPassword('uma frase longa e só minha', 10)).not.toBe(await hashPassword('uma frase longa e só minha', 10));
  });

  it('refuses a production configuration below N = 2^17', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PASSWORD_SCRYPT_LOG_N: '14' })).toThrow(/PASSWORD_SCRYPT_LOG_N: must be at least 17 in production/);
  });

  it('takes 12 to 128 characters and refuses common breached passwords', () => {
    expect(passwordProblem('curta')).toBe('too_short');
    expect(passwordProblem('x'.repeat(129))).toBe('too_long');
    expect(passwordProblem('x'.repeat(128))).toBeNull();
    // On the bundled list (zxcvbn-ts common passwords), whatever the case.
    expect(passwordProblem('password1234')).toBe('common');
    expect(passwordProblem('PASSWORD1234')).toBe('common');
    expect(passwordProblem('qwertyuiop123')).toBe('common');
    expect(passwordProblem('correct horse battery staple 2028')).toBeNull();
  });

  it('makes 256-bit tokens and stores only their hashes', () => {
    const { token, hash } = newToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(hashToken(token));
    expect(hash).not.toContain(token);
    expect(newToken().token).not.toBe(token);
  });
});
