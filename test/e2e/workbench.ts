import type { Locator, Page } from 'playwright-core';

/*
 * Driving the VS Code workbench as a person would: the activity bar, the command
 * palette, tree rows, context menus and notifications. Selectors held on VS Code 1.139.
 */
export class Workbench {
  constructor(readonly page: Page) {}

  async open(url: string, folder: string): Promise<void> {
    await this.page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.activitybar').waitFor({ timeout: 60_000 });
  }

  async openView(title: string): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item [aria-label^="${title}"]`).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
    await this.page
      .locator(`.part.sidebar .title-label h2`, { hasText: title.toUpperCase() })
      .or(this.page.locator('.part.sidebar .composite.title', { hasText: title }))
      .first()
      .waitFor({ timeout: 15_000 });
  }

  /** Runs a command through the palette (F1), by its title. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
  }

  /** Waits for the input box that shows `prompt`, types into it and presses Enter. */
  async answer(prompt: string, text: string): Promise<void> {
    await this.page.locator('.quick-input-widget', { hasText: prompt }).waitFor({ state: 'visible' });
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  async choose(prompt: string, label: string): Promise<void> {
    await this.page.locator('.quick-input-widget', { hasText: prompt }).waitFor({ state: 'visible' });
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** The tree row whose label is exactly `label` (not one that merely mentions it). */
  row(label: string): Locator {
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    return this.page
      .locator('.part.sidebar .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
  }

  async expand(text: string): Promise<void> {
    const row = this.row(text);
    await row.waitFor();
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  }

  async contextMenu(rowText: string): Promise<Locator> {
    await this.row(rowText).click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    await this.page.waitForTimeout(300); // the menu fades in; clicks during the fade are intercepted
    return menu;
  }

  async menuItem(label: string): Promise<void> {
    await this.page.locator('.context-view .monaco-menu a.action-menu-item', { hasText: label }).first().click();
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden' });
  }

  /** Replaces the active editor's text as a paste would (no auto-closing of brackets). */
  async replaceEditorText(text: string): Promise<void> {
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete'); // typing "{" over a selection would surround it instead
    await this.page.keyboard.insertText(text);
  }

  /** Drags the sash between the side bar and the editor, to widen the side bar. */
  async widenSidebar(width: number): Promise<void> {
    const sidebar = await this.page.locator('.part.sidebar').boundingBox();
    if (!sidebar) return;
    const x = sidebar.x + sidebar.width;
    const y = sidebar.y + sidebar.height / 2;
    await this.page.mouse.move(x + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(sidebar.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /**
   * Waits for a notification: as a toast, or in the notification center (a headless
   * window does not always toast). Leaves the center closed.
   */
  async notification(text: string, timeout = 30_000): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    const listed = this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (await toast.isVisible()) return;
      await this.page.locator('.statusbar-item[id="status.notifications"]').click();
      const found = await listed.waitFor({ timeout: 1000 }).then(
        () => true,
        () => false,
      );
      await this.page.keyboard.press('Escape');
      if (found) return;
    }
    throw new Error(`no notification containing "${text}" within ${timeout / 1000} s`);
  }

  /** Clicks a button of a notification: on its toast, or on its row in the notification center. */
  async notificationAction(text: string, button: string, timeout = 30_000): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    const listed = this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (await toast.isVisible()) return toast.locator('.monaco-button', { hasText: button }).first().click();
      await this.page.locator('.statusbar-item[id="status.notifications"]').click();
      if (
        await listed.waitFor({ timeout: 1000 }).then(
          () => true,
          () => false,
        )
      )
        return listed.locator('.monaco-button', { hasText: button }).first().click();
      await this.page.keyboard.press('Escape');
    }
    throw new Error(`no notification containing "${text}" within ${timeout / 1000} s`);
  }

  /** The heading of the Markdown preview shown last (VS Code's preview, in its webview). */
  preview(heading: string): Locator {
    return this.page
      .frameLocator('iframe.webview >> nth=-1')
      .frameLocator('iframe')
      .locator('h1, h2', { hasText: heading })
      .first();
  }

  async screenshot(path: string, of?: Locator): Promise<void> {
    if (of) await of.screenshot({ path });
    else await this.page.screenshot({ path });
  }
}
