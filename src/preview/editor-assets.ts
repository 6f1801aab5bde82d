/**
 * The editor panel's script and styles, served as same-origin files like the preview's own: the
 * page's CSP allows no inline script. Every write carries the session token in a header (a page on
 * another site can neither read the token nor send that header without a preflight the server
 * refuses) and the `issue.json` version the page was rendered from.
 */

export const EDITOR_CSS = `
.beside-editor { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; align-items: start; }
@media (max-width: 900px) { .beside-editor { grid-template-columns: minmax(0, 1fr); } }
.last-report { background: #fff; border: 1px solid #cbd5e1; border-radius: 8px; padding: 12px 16px; margin: 16px 0; }
.last-report table { width: 100%; }
.editor, .test-send { background: #fff; border: 1px solid #cbd5e1; border-radius: 8px; padding: 12px 16px; margin: 16px 0; }
.editor .hint { color: #475569; font-size: 14px; }
.edit-text label, .test-send label { display: block; margin: 8px 0; font-weight: 600; }
.edit-text input, .edit-text textarea, .test-send input { display: block; width: 100%; box-sizing: border-box; margin-top: 4px; padding: 6px 8px; font: inherit; font-weight: 400; border: 1px solid #94a3b8; border-radius: 6px; }
.test-send label { display: inline-block; max-width: 100%; }
.test-send input { display: inline-block; width: 320px; max-width: 100%; }
.sortable, .candidates { padding-left: 24px; }
.sortable li, .candidates li { display: flex; align-items: center; gap: 8px; padding: 4px 6px; margin: 2px 0; border: 1px solid #e2e8f0; border-radius: 6px; background: #f8fafc; }
.sortable li.dragging { opacity: 0.5; }
.sortable .grip { cursor: grab; color: #94a3b8; }
.sortable .label { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.candidates code { min-width: 0; overflow-wrap: anywhere; }
.sortable .actions { display: inline-flex; gap: 4px; }
.sortable button, .candidates button { padding: 2px 8px; }
button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #2563eb; outline-offset: 1px; }
button:disabled { opacity: 0.4; cursor: default; }
.status[data-kind="error"] { color: #b91c1c; font-weight: 600; }
.status[data-kind="ok"] { color: #166534; }
`;

export const EDITOR_JS = `'use strict';
(() => {
  const meta = document.querySelector('meta[name="rolecast-token"]');
  const token = meta ? meta.content : '';
  const say = (element, text, kind) => {
    if (!element) return;
    element.textContent = text;
    element.dataset.kind = kind || '';
  };
  const post = async (path, body) => {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Rolecast-Token': token },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    let data = {};
    try { data = await response.json(); } catch (_) { data = {}; }
    return { status: response.status, data };
  };

  const testForm = document.getElementById('test-send');
  if (testForm) {
    const input = testForm.querySelector('input[name="to"]');
    const status = document.getElementById('test-status');
    input.value = localStorage.getItem('rolecast-test-to') || '';
    testForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      localStorage.setItem('rolecast-test-to', input.value);
      say(status, 'Sending…');
      try {
        const { status: code, data } = await post('/__test-send', { to: input.value, kind: testForm.dataset.kind, key: testForm.dataset.key });
        say(status, data.message || data.error || 'HTTP ' + code, code === 200 ? 'ok' : 'error');
      } catch (error) {
        say(status, 'The preview server did not answer: ' + error.message, 'error');
      }
    });
  }

  const panel = document.getElementById('editor');
  if (!panel) return;
  const status = document.getElementById('edit-status');
  const textForm = document.getElementById('edit-text');
  const fields = Array.from(textForm.querySelectorAll('input, textarea'));
  const dirty = () => fields.some((field) => field.value !== field.defaultValue);
  // Unsaved text holds the live reload: it would wipe what is being typed.
  const hold = () => { document.body.dataset.hold = String(dirty()); };
  for (const field of fields) field.addEventListener('input', hold);
  // Set when a save went through while other text stayed unsaved: the page was told so already.
  let keptText = false;
  document.addEventListener('rolecast:stale', () => {
    if (document.body.dataset.hold === 'true' && !keptText)
      say(status, 'The issue changed on disk while you were typing. Your text is kept: save it (a change to issue.json made elsewhere is refused, not overwritten) or reload.', 'error');
  });
  const reloadWhenStale = () => {
    document.body.dataset.hold = 'false';
    if (document.body.dataset.stale === 'true') location.reload();
  };

  let busy = false;
  // A change made while another is being saved (an include waits for a rolecast new to write its
  // issue) is not sent: the page says so rather than nothing, and typed text stays to save again.
  const refuseWhileBusy = () => {
    say(status, 'Not saved: the change before it is still being saved (an include waits for a rolecast new that is running to write its issue). Make this change again once that one is done.', 'error');
    return false;
  };
  const save = async (edit, focus) => {
    if (busy) return refuseWhileBusy();
    busy = true;
    keptText = false;
    panel.setAttribute('aria-busy', 'true');
    say(status, 'Saving…');
    try {
      const { status: code, data } = await post('/__edit', { version: panel.dataset.issueVersion, edit });
      if (code === 200) {
        panel.dataset.issueVersion = data.version;
        if (focus) sessionStorage.setItem('rolecast-focus', JSON.stringify(focus));
        // Only the text sent is saved: text typed meanwhile, or never saved, stays and holds the reload.
        if (edit.op === 'set') for (const field of fields) if (field.name in edit.fields) field.defaultValue = edit.fields[field.name];
        hold();
        if (document.body.dataset.hold === 'true') {
          keptText = true;
          say(status, (data.changed ? 'Saved to issue.json.' : 'Nothing changed.') + ' Your unsaved text is kept: save it, and the page reloads.', 'ok');
          return true;
        }
        say(status, data.changed ? 'Saved to issue.json. Reloading…' : 'Nothing changed.', 'ok');
        reloadWhenStale();
        return true;
      }
      say(status, data.error || 'The save failed (HTTP ' + code + ').', 'error');
      return false;
    } catch (error) {
      say(status, 'The preview server did not answer: ' + error.message, 'error');
      return false;
    } finally {
      busy = false;
      panel.removeAttribute('aria-busy');
    }
  };

  textForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const changed = {};
    for (const field of fields) if (field.value !== field.defaultValue) changed[field.name] = field.value;
    if (Object.keys(changed).length === 0) return say(status, 'Nothing to save.');
    save({ op: 'set', fields: changed }, { id: document.activeElement && document.activeElement.id });
  });

  const valuesOf = (list) => Array.from(list.children).map((item) => item.dataset.value);
  const saveOrder = (list, focus) => save({ op: 'order', list: list.dataset.list, value: valuesOf(list) }, focus);

  for (const list of panel.querySelectorAll('ol.sortable')) {
    list.addEventListener('click', (event) => {
      const button = event.target.closest('button');
      if (!button) return;
      if (busy) return refuseWhileBusy();
      const item = button.closest('li');
      if (button.classList.contains('move')) {
        const up = button.dataset.move === '-1';
        const sibling = up ? item.previousElementSibling : item.nextElementSibling;
        if (!sibling) return;
        if (up) list.insertBefore(item, sibling);
        else list.insertBefore(sibling, item);
        saveOrder(list, { list: list.id, value: item.dataset.value, move: button.dataset.move });
      } else if (button.classList.contains('exclude')) {
        save({ op: 'exclude', path: item.dataset.value }, { id: 'edit-summaries' });
      }
    });
    let dragged = null;
    let before = '';
    list.addEventListener('dragstart', (event) => {
      dragged = event.target.closest('li');
      if (!dragged) return;
      before = valuesOf(list).join('\\n');
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', dragged.dataset.value);
      dragged.classList.add('dragging');
    });
    list.addEventListener('dragover', (event) => {
      if (!dragged) return;
      event.preventDefault();
      const over = event.target.closest('li');
      if (!over || over === dragged || over.parentElement !== list) return;
      const box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextElementSibling : over);
    });
    list.addEventListener('drop', (event) => event.preventDefault());
    list.addEventListener('dragend', () => {
      if (!dragged) return;
      dragged.classList.remove('dragging');
      const value = dragged.dataset.value;
      dragged = null;
      if (valuesOf(list).join('\\n') === before) return;
      if (busy) {
        // Put the list back as it is in issue.json: the new order was not saved.
        const items = new Map(Array.from(list.children).map((item) => [item.dataset.value, item]));
        for (const key of before.split('\\n')) list.appendChild(items.get(key));
        return refuseWhileBusy();
      }
      saveOrder(list, { list: list.id, value, move: '1' });
    });
  }

  for (const button of panel.querySelectorAll('button.include')) {
    button.addEventListener('click', () => save({ op: 'include', path: button.closest('li').dataset.value }, { id: 'edit-summaries' }));
  }

  // After the reload a save causes, keyboard focus returns to where it was.
  const focus = sessionStorage.getItem('rolecast-focus');
  sessionStorage.removeItem('rolecast-focus');
  if (focus) {
    try {
      const where = JSON.parse(focus);
      let target = where.id ? document.getElementById(where.id) : null;
      if (where.list) {
        const item = Array.from(document.querySelectorAll('#' + where.list + ' > li')).find((li) => li.dataset.value === where.value);
        const buttons = item ? Array.from(item.querySelectorAll('button.move')) : [];
        target = buttons.find((b) => b.dataset.move === where.move && !b.disabled) || buttons.find((b) => !b.disabled) || null;
      }
      if (target) {
        if (!target.hasAttribute('tabindex') && target.tagName === 'OL') target.setAttribute('tabindex', '-1');
        target.focus();
      }
    } catch (_) {}
  }
})();
`;
