import { expect } from 'vitest';
import type { FileReaders } from './_file-readers.js';

/** What the store and the suppression list say of one address, read through the CLI. */

export const CONFIRM_LINK = /https?:\/\/\S+\/confirm\?token=[\w.-]+/;

export async function statusOf(h: FileReaders, email: string): Promise<string | undefined> {
  const listed = await h.run(['subscribers', 'list', '--json']);
  expect(listed.code, listed.all).toBe(0);
  return (JSON.parse(listed.out) as { email: string; status: string }[]).find((r) => r.email === email)?.status;
}

export async function suppressed(h: FileReaders, email: string): Promise<boolean> {
  const listed = await h.run(['suppress', 'list']);
  expect(listed.code, listed.all).toBe(0);
  return listed.out.split('\n').some((line) => line.split('\t')[0] === email);
}

/** The confirmation link of the nth mail to `email` (1-based). */
export async function confirmLink(h: FileReaders, email: string, nth: number): Promise<string> {
  const mail = await h.waitForMail(email, nth);
  expect(mail.parsed.subject).toBe('Confirm your subscription to Rolecast Weekly');
  const link = CONFIRM_LINK.exec(mail.parsed.text ?? '')?.[0];
  expect(link).toBeDefined();
  return link!;
}

/** The one-click List-Unsubscribe POST a mail provider makes for the reader (RFC 8058). */
export async function unsubscribeOneClick(h: FileReaders, email: string): Promise<void> {
  const response = await fetch(h.linkFor('/unsubscribe', email), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(response.status).toBe(200);
}

/** Posts the signup form for `email` with one role; the page it answers with. */
export async function postSignup(h: FileReaders, email: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${h.origin}/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, roles: 'CTO' }).toString(),
  });
  return { status: response.status, body: await response.text() };
}

/** Presses Confirm on a confirmation link, as its page's form does; the answer's status. */
export async function pressConfirm(link: string): Promise<number> {
  const response = await fetch(new URL('/confirm', link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: new URL(link).searchParams.get('token')! }).toString(),
  });
  return response.status;
}

/** A reader who signed up, confirmed and then left by the one-click link. */
export async function joinedAndLeft(h: FileReaders, email: string): Promise<void> {
  await postSignup(h, email);
  expect(await pressConfirm(await confirmLink(h, email, 1))).toBe(200);
  await unsubscribeOneClick(h, email);
}
