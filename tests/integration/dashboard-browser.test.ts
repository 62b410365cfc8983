import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/core/types.ts';
import { ADMIN_TOKEN, DAY, requestFrom, startDashboardHarness, type DashboardHarness } from './dashboard-harness.ts';

const ARTIFACTS = 'tests/.artifacts';
const BUDGET_BYTES = 100 * 1024;

let h: DashboardHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let followed: Channel;
let failing: Channel;
/** Bytes of every same-origin response of the current page (HTML, CSS, script), read as they arrive. */
let bodies: Promise<number>[] = [];
const foreign: string[] = [];

const openUrl = (path: string) => `http://127.0.0.1:${h.open.port}${path}`;
const securedUrl = (path: string) => `http://127.0.0.1:${h.secured.port}${path}`;

async function visit(url: string, shot: string): Promise<void> {
  bodies = [];
  const res = await page.goto(url);
  expect(res?.status()).toBe(200);
  await page.waitForLoadState('load');
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-${shot}.png`, fullPage: true });
  const sizes = await Promise.all(bodies);
  expect(sizes.length).toBeGreaterThanOrEqual(1);
  expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(BUDGET_BYTES);
}

/** Every form control has a label a screen reader reads. */
async function unlabelled(): Promise<string[]> {
  return page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
    els.filter((el) => (el as unknown as { labels: { length: number } | null }).labels?.length === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML),
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  h = await startDashboardHarness('dashboard-browser', { pageSizes: { search: 3 } });
  await h.slash('subscribe diffusion', 'C-research');
  followed = h.ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-research' })!;
  await h.deliverDigest(followed);
  await h.slash('subscribe transformer', 'C-gone');
  failing = h.ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-gone' })!;
  h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
  await h.deliverDigest(failing);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // Nothing may come from the internet; paper thumbnails are the papers' own images, and are refused here.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    foreign.push(route.request().resourceType());
    return route.abort();
  });
  page = await context.newPage();
  page.on('response', (res) => {
    if (res.url().startsWith('http://127.0.0.1')) bodies.push(res.body().then((b) => b.length, () => 0));
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the web dashboard in Chromium', () => {
  it("lists the current feed day's papers at /, with a day picker and the activity charts", async () => {
    await visit(openUrl('/'), 'papers');
    await expect(page.locator('h1').textContent()).resolves.toContain(`Papers of ${DAY}`);
    const titles = await page.locator('ul.cards h3').allTextContents();
    expect(h.dayPapers).toHaveLength(18);
    expect(titles.sort()).toEqual(h.dayPapers.map((p) => p.title).sort());
    await expect(page.locator('select#day').inputValue()).resolves.toBe(DAY);
    expect(await page.locator('#chart-papers svg rect').count()).toBeGreaterThan(0);
    await expect(page.locator('#chart-papers table').textContent()).resolves.toContain(`${DAY}18`);
    expect(await unlabelled()).toEqual([]);
    expect(foreign.every((type) => type === 'image')).toBe(true);
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate('location.hash')).resolves.toBe('#main');
  });

  it('finds a misspelt query, says what it searched for, and pages through the results', async () => {
    await visit(openUrl('/'), 'before-search');
    await page.getByLabel('Search papers').fill('difusion');
    await page.getByLabel('Search papers').press('Enter');
    await page.waitForURL(/\/search\?q=difusion/);
    await expect(page.locator('.note').textContent()).resolves.toContain('Showing results for diffusion');
    const first = await page.locator('ul.cards h3').allTextContents();
    expect(first.length).toBeGreaterThan(0);
    expect(first.join(' ')).toMatch(/Diffusion/);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-search.png`, fullPage: true });

    await visit(openUrl('/search?q=models'), 'search-page-1');
    const one = await page.locator('ul.cards h3').allTextContents();
    expect(one).toHaveLength(3);
    await page.getByRole('link', { name: 'Next →' }).click();
    await page.waitForURL(/page=2/);
    const two = await page.locator('ul.cards h3').allTextContents();
    expect(two.length).toBeGreaterThan(0);
    expect(two.filter((t) => one.includes(t))).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-search-page-2.png`, fullPage: true });
  });

  it("shows a paper's whole abstract and the channel it was posted to", async () => {
    const posted = h.ctx.deliveries.forChannel(followed.id)[0]!.paperIds[0]!;
    await visit(openUrl(`/papers/${posted}`), 'paper');
    await expect(page.locator('h1').textContent()).resolves.toBe(h.ctx.papers.get(posted)!.title);
    await expect(page.locator('main').textContent()).resolves.toContain(h.ctx.papers.get(posted)!.abstract.slice(0, 200));
    await expect(page.locator('table').textContent()).resolves.toContain('C-research');
  });

  it('lists every channel with its schedule, topics and health, and a channel page shows topics, preview and ledger', async () => {
    await visit(openUrl('/channels'), 'channels');
    const table = await page.locator('table').first().textContent();
    expect(table).toContain('C-research');
    expect(table).toContain('daily at 09:00 (Europe/Berlin)');
    expect(table).toContain('failing: channel_not_found');
    expect(await page.locator('#chart-deliveries svg rect').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Failing', exact: true }).click();
    await page.waitForURL(/show=failing/);
    const failingOnly = await page.locator('table').first().textContent();
    expect(failingOnly).toContain('C-gone');
    expect(failingOnly).not.toContain('C-research');
    await page.getByRole('link', { name: 'All', exact: true }).click();
    await page.waitForURL(openUrl('/channels'));

    await page.getByRole('link', { name: /C-research/ }).click();
    await page.waitForURL(/\/channels\/\d+$/);
    await expect(page.locator('#topics').textContent()).resolves.toContain('diffusion');
    await expect(page.locator('#preview').textContent()).resolves.toContain("This is what this channel's next digest would contain.");
    const ledger = await page.locator('#ledger').textContent();
    expect(ledger).toContain(`d-${followed.id}-${DAY}`);
    expect(ledger).toContain('sent');
    expect(ledger).toContain(h.slack.messagesIn('C-research')[0]!.ts);
    expect(await page.locator('form[method=post]').count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-channel.png`, fullPage: true });

    await visit(openUrl(`/channels/${failing.id}`), 'channel-failing');
    const failed = await page.locator('#ledger').textContent();
    expect(failed).toContain('channel_not_found');
    expect(failed).toContain('Its papers went back to the pool');
    expect(failed).toContain('/papers resume');
  });

  it("changes what /papers topics answers in Slack when a topic is added and removed in the channel's form", async () => {
    const refused = await page.goto(securedUrl(`/channels/${followed.id}`));
    expect(refused?.status()).toBe(401);
    expect(await page.content()).not.toContain('C-research');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(securedUrl('/login'));
    await visit(securedUrl('/login'), 'login');
    await page.getByLabel(/Admin token/).fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(securedUrl('/'));
    const cookie = (await context.cookies()).find((c) => c.name === 'papers_dashboard')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.content()).not.toContain(ADMIN_TOKEN);

    await visit(securedUrl(`/channels/${followed.id}`), 'channel-editable');
    expect(await unlabelled()).toEqual([]);
    await page.getByLabel('Add a topic').fill('"protein design"');
    await page.getByRole('button', { name: 'Add topic' }).click();
    await expect(page.locator('#edit-reply').textContent()).resolves.toContain('Added the topic');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-channel-edited.png`, fullPage: true });
    expect(await h.slash('topics', 'C-research')).toContain('2. \\"protein design\\"');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remove topic diffusion' }).click();
    await page.waitForLoadState('load');
    await expect(page.locator('#edit-reply').textContent()).resolves.toContain('diffusion');
    const topics = await h.slash('topics', 'C-research');
    expect(topics).toContain('1. \\"protein design\\"');
    expect(topics).not.toContain('diffusion');
  });

  it('answers bad input in a form with the same message and usage as the chat command', async () => {
    await page.goto(securedUrl(`/channels/${followed.id}`));
    await page.getByLabel('Time (24h)').fill('25:99');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.waitForLoadState('load');
    const shown = await page.locator('#edit-reply').textContent();
    expect(shown).toContain('not a time of day');
    expect(shown).toContain('/papers schedule [time]');
    expect(h.ctx.channels.get(followed.id)!.schedule.time).toBe('09:00');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-channel-error.png`, fullPage: true });
  });

  it('refuses a POST without a session and changes nothing', async () => {
    const before = h.ctx.channels.topicQueries(followed.id);
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'command=subscribe&text=robots&csrf=x' };
    const secured = await fetch(securedUrl(`/channels/${followed.id}/edit`), form);
    expect(secured.status).toBe(401);
    const open = await fetch(openUrl(`/channels/${followed.id}/edit`), form);
    expect(open.status).toBe(403);
    expect(h.ctx.channels.topicQueries(followed.id)).toEqual(before);
  });

  it('refuses a signed-in POST without the CSRF token, or with another one, and changes nothing', async () => {
    const before = h.ctx.channels.topicQueries(followed.id);
    const cookie = (await context.cookies()).find((c) => c.name === 'papers_dashboard')!;
    for (const csrf of ['', '&csrf=forged-token-0000000000000000000000000000']) {
      const res = await fetch(securedUrl(`/channels/${followed.id}/edit`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `papers_dashboard=${cookie.value}` },
        body: `command=subscribe&text=robots${csrf}`,
      });
      expect(res.status).toBe(403);
    }
    expect(h.ctx.channels.topicQueries(followed.id)).toEqual(before);
  });

  it('refuses requests from an address other than 127.0.0.1 or ::1 whatever X-Forwarded-For says, and forwarded ones from loopback', async () => {
    for (const path of ['/', '/search?q=diffusion', '/channels', `/channels/${followed.id}`]) {
      const res = await requestFrom('127.0.0.2', h.open.port, { path, headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(res.status).toBe(403);
      for (const p of h.dayPapers) expect(res.body).not.toContain(p.title);
      expect(res.body).not.toContain('C-research');
      const secured = await requestFrom('127.0.0.2', h.secured.port, { path });
      expect(secured.status).toBe(401);
      expect(secured.body).not.toContain('C-research');
      const proxied = await requestFrom('127.0.0.1', h.open.port, { path, headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(proxied.status).toBe(403);
      expect(proxied.body).not.toContain('C-research');
    }
    expect((await requestFrom('127.0.0.1', h.open.port, { path: '/' })).status).toBe(200);
  });
});
