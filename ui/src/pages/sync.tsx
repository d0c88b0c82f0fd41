// Sync: where this computer stands with the school server, conflicts to decide, the USB bundle
// for a school without a network, and the login to a server (device enrolment).

import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api";
import type { AppState, ConflictView, SchoolFile, SyncProgress, SyncStatus } from "../types";
import { count, ruTime } from "../ru";

interface Props {
  api: Api;
  state: AppState;
  onState: (s: AppState) => void;
  onSync: (s: SyncStatus) => void;
}

export function SyncPage({ api, state, onState, onSync }: Props) {
  const sync = state.sync;
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  useEffect(() => {
    let stop: (() => void) | null = null;
    void api.onSyncProgress(setProgress).then((f) => (stop = f));
    return () => stop?.();
  }, []);
  const changes = sync.pending.reduce((a, p) => a + p.changes, 0);
  const running = busy || sync.syncing;
  return (
    <div class="page sync-page">
      <section class="card" data-testid="sync-panel">
        <h2>Синхронизация</h2>
        <p data-testid="sync-summary">
          {!sync.configured
            ? "Сервер школы не настроен: журнал работает на этом компьютере. Изменения можно перенести на флешке или войти на сервер."
            : sync.online
              ? "Компьютер на связи со школьным сервером."
              : "Нет связи с сервером. Работайте как обычно: всё сохраняется здесь и уйдёт, когда связь появится."}
        </p>
        {sync.configured && (
          <p data-testid="sync-account">
            Сервер: <b>{sync.server}</b>
            {sync.user ? (
              <>
                , вход как <b>{sync.user}</b>
              </>
            ) : null}
          </p>
        )}
        {sync.last_error && (
          <p class="muted small" data-testid="sync-last-error">
            Последняя попытка: {sync.last_error}
          </p>
        )}
        {running && (
          <p class="muted" data-testid="sync-running" role="status">
            Идёт синхронизация{progress && progress.rounds > 0 ? `: получено ${count(progress.received, ["изменение", "изменения", "изменений"])}` : "…"}
            {progress && progress.retries > 0 ? ` (повторных попыток: ${progress.retries})` : ""}
          </p>
        )}
        {sync.configured && (
          <p>
            Последняя синхронизация: <b>{sync.last_sync ? ruTime(sync.last_sync) : "ещё не было"}</b>
          </p>
        )}
        {changes > 0 ? (
          <>
            <p>Ещё не на сервере: {count(changes, ["изменение", "изменения", "изменений"])}</p>
            <ul data-testid="sync-pending-list">
              {sync.pending.map((p) => (
                <li>
                  {p.label}: {p.changes}
                </li>
              ))}
            </ul>
          </>
        ) : sync.configured && sync.last_sync ? (
          <p class="ok" data-testid="sync-all-sent">Всё, что сделано здесь, уже на сервере.</p>
        ) : null}
        {sync.configured && (
          <button
            class="primary"
            data-testid="sync-now"
            disabled={running}
            onClick={async () => {
              setBusy(true);
              setProgress(null);
              const r = await api.syncNow();
              setBusy(false);
              if (r.ok) {
                onSync(r.value);
                // No link is a status, not a failure: the summary above says so.
                setNote(r.value.online ? { ok: true, text: "Синхронизировано" } : null);
              } else setNote({ ok: false, text: r.error.message });
            }}
          >
            {running ? "Синхронизирую…" : "Синхронизировать сейчас"}
          </button>
        )}
        {note && <p class={note.ok ? "ok" : "error"} data-testid="sync-note">{note.text}</p>}
      </section>
      <Conflicts api={api} onChange={async () => {
        const r = await api.syncStatus();
        if (r.ok) onSync(r.value);
      }} />
      <Bundle api={api} />
      <Login api={api} state={state} onState={onState} />
      <Schools api={api} onState={onState} />
    </div>
  );
}

function Conflicts({ api, onChange }: { api: Api; onChange: () => void }) {
  const [list, setList] = useState<ConflictView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    const r = await api.conflicts();
    if (r.ok) setList(r.value);
    else setError(r.error.message);
  };
  useEffect(() => void load(), []);
  if (!list || list.length === 0) return null;
  return (
    <section class="card" data-testid="conflicts">
      <h2>Конфликты: {list.length}</h2>
      <p class="muted">Одну клетку изменили на двух устройствах. Журнал сохранил оба значения — выберите верное.</p>
      {error && <p class="error">{error}</p>}
      {list.map((c, i) => (
        <div class="conflict" data-testid={`conflict-${i}`}>
          <p class="small muted">{c.label ?? `${c.doc} · урок ${c.lesson} · ученик ${c.student}`}</p>
          {c.values.map((v, k) => (
            <div class="row">
              <span class="mark">{v.text || "пусто"}</span>
              <span>
                записал(а) {v.author}
                {v.shown ? " — показано сейчас" : ""}
              </span>
              <button
                data-testid={`conflict-${i}-choose-${k}`}
                onClick={async () => {
                  const r = await api.resolveConflict(c.doc, c.lesson, c.student, v.text);
                  if (r.ok) {
                    await load();
                    onChange();
                  } else setError(r.error.message);
                }}
              >
                Оставить это
              </button>
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}

function Bundle({ api }: { api: Api }) {
  const [out, setOut] = useState("");
  const [inp, setInp] = useState("");
  const [drives, setDrives] = useState<string[] | null>(null);
  // The stick where Linux mounted it (/media/<user>/<label>): the file goes to its top folder.
  const findDrives = async () => {
    const r = await api.removableDrives();
    const found = r.ok ? r.value : [];
    setDrives(found);
    const first = found[0];
    if (first) {
      const file = `${first.replace(/[\\/]+$/, "")}/zhurnal.bundle`;
      setOut((o) => o || file);
      setInp((i) => i || file);
    }
  };
  useEffect(() => void findDrives(), []);
  const [key, setKey] = useState("");
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [exportedKey, setExportedKey] = useState<string | null>(null);
  const say = (r: Awaited<ReturnType<Api["bundleExport"]>>, verb: string) => {
    setNote(
      r.ok
        ? { ok: true, text: `${verb}: ${count(r.value.documents, ["документ", "документа", "документов"])}, ${count(r.value.changes, ["изменение", "изменения", "изменений"])}` }
        : { ok: false, text: r.error.message },
    );
    setExportedKey(r.ok ? r.value.public_key : null);
  };
  return (
    <section class="card" data-testid="bundle">
      <h2>Перенос на флешке</h2>
      <p class="muted">Если в школе нет сети: запишите изменения на флешку здесь и загрузите их на компьютере, где есть связь (или наоборот). Повторная загрузка того же файла ничего не портит.</p>
      {drives && drives.length === 0 && (
        <p class="notice small" data-testid="bundle-no-drive">
          Флешка не найдена. Вставьте её и нажмите{" "}
          <button class="link" data-testid="bundle-find-drive" onClick={() => void findDrives()}>
            найти флешку
          </button>{" "}
          или выберите место кнопкой «Куда…».
        </p>
      )}
      <div class="row">
        <input class="path" data-testid="bundle-export-path" placeholder="Файл на флешке" value={out} onInput={(e) => setOut((e.target as HTMLInputElement).value)} />
        <button
          onClick={async () => {
            const p = await api.pickFile("save", [{ name: "Пакет журнала", extensions: ["bundle"] }], out || drives?.[0]);
            if (p) setOut(p);
          }}
        >
          Куда…
        </button>
        <button data-testid="bundle-export" onClick={async () => say(await api.bundleExport(out), "Записано")}>
          Записать на флешку
        </button>
      </div>
      {exportedKey && (
        <p class="small" data-testid="bundle-key">
          Ключ этого компьютера (нужен, чтобы загрузить пакет): <code>{exportedKey}</code>
        </p>
      )}
      <div class="row">
        <input class="path" data-testid="bundle-import-path" placeholder="Файл на флешке" value={inp} onInput={(e) => setInp((e.target as HTMLInputElement).value)} />
        <button
          onClick={async () => {
            const p = await api.pickFile("open", [{ name: "Пакет журнала", extensions: ["bundle"] }], inp || drives?.[0]);
            if (p) setInp(p);
          }}
        >
          Выбрать…
        </button>
        <input
          class="key"
          data-testid="bundle-import-key"
          placeholder="ключ компьютера, записавшего пакет"
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
        <button data-testid="bundle-import" onClick={async () => say(await api.bundleImport(inp, key), "Загружено")}>
          Загрузить с флешки
        </button>
      </div>
      {note && <p class={note.ok ? "ok" : "error"} data-testid="bundle-note">{note.text}</p>}
    </section>
  );
}

/** The user's password on the server: a one-time password from the administrator's slip must
 * be changed here before the server takes a sync. */
export function ChangePassword({ api, onChanged }: { api: Api; onChanged?: () => void }) {
  const [old, setOld] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <form
      class="password-form"
      data-testid="password-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (next !== again) {
          setNote({ ok: false, text: "Новый пароль и повтор не совпадают" });
          return;
        }
        const r = await api.changePassword(old, next);
        if (r.ok) {
          setOld("");
          setNext("");
          setAgain("");
          setNote({ ok: true, text: "Пароль сменён. Синхронизация продолжится сама." });
          onChanged?.();
        } else setNote({ ok: false, text: r.error.message });
      }}
    >
      <h3>Сменить пароль</h3>
      <p class="muted small">Одноразовый пароль от администратора нужно сменить, прежде чем сервер примет синхронизацию.</p>
      <label>
        Текущий пароль
        <input type="password" data-testid="password-old" autocomplete="current-password" value={old} onInput={(e) => setOld((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Новый пароль (не короче 8 символов)
        <input type="password" data-testid="password-new" autocomplete="new-password" value={next} onInput={(e) => setNext((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Новый пароль ещё раз
        <input type="password" data-testid="password-again" autocomplete="new-password" value={again} onInput={(e) => setAgain((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" data-testid="password-submit">
        Сменить пароль
      </button>
      {note && (
        <p class={note.ok ? "ok" : "error"} role={note.ok ? "status" : "alert"} data-testid="password-note">
          {note.text}
        </p>
      )}
    </form>
  );
}

function Login({ api, state, onState }: { api: Api; state: AppState; onState: (s: AppState) => void }) {
  const [error, setError] = useState<string | null>(null);
  if (state.sync.configured)
    return (
      <section class="card">
        <h2>Школьный сервер</h2>
        <p>
          Этот компьютер подключён к серверу школы{state.sync.server ? ` ${state.sync.server}` : ""}
          {state.sync.user ? ` как ${state.sync.user}` : ""}.
        </p>
        <button
          data-testid="logout"
          onClick={async () => {
            const r = await api.logout();
            if (r.ok) onState(r.value);
            else setError(r.error.message);
          }}
        >
          Отключить от сервера
        </button>
        {error && <p class="error">{error}</p>}
        <ChangePassword api={api} />
      </section>
    );
  return (
    <section class="card">
      <LoginForm
        api={api}
        onState={onState}
        heading="Вход на школьный сервер"
        intro={
          state.has_school
            ? "Адрес сервера, логин и пароль выдаёт администратор. Школа с сервера откроется в отдельном файле, а эта останется на компьютере: переключаться между ними можно ниже, в «Школы на этом компьютере»."
            : "Адрес сервера, логин и пароль выдаёт администратор. Пароль нужен один раз: компьютер получает свой ключ. Не передавайте свой логин ученикам."
        }
      />
    </section>
  );
}

/** The login to a school server: address, login, password. A computer with the demo school
 * gets the server's school in a file of its own (the shell decides). */
export function LoginForm({ api, onState, heading, intro }: { api: Api; onState: (s: AppState) => void; heading: string; intro: string }) {
  const [server, setServer] = useState("https://");
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      data-testid="login-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const r = await api.login(server, login, password);
        setBusy(false);
        setPassword("");
        if (r.ok) {
          onState(r.value);
          setError(null);
        } else setError(r.error.message);
      }}
    >
      <h2>{heading}</h2>
      <p class="muted">{intro}</p>
      <label>
        Адрес сервера
        <input data-testid="login-server" value={server} onInput={(e) => setServer((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Логин
        <input data-testid="login-name" autocomplete="username" value={login} onInput={(e) => setLogin((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Пароль
        <input type="password" data-testid="login-password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      </label>
      <button class="primary" type="submit" data-testid="login-submit" disabled={busy}>
        {busy ? "Вхожу…" : "Войти"}
      </button>
      {error && (
        <p class="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** The schools of this computer: the one open now, and the others to switch to (the demo
 * school kept beside a real one). */
export function Schools({ api, onState }: { api: Api; onState: (s: AppState) => void }) {
  const [list, setList] = useState<SchoolFile[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.schools().then((r) => (r.ok ? setList(r.value) : setError(r.error.message)));
  }, []);
  const others = (list ?? []).filter((f) => !f.current && (f.has_school || f.server));
  if (!error && others.length === 0) return null;
  return (
    <section class="card" data-testid="schools">
      <h2>Школы на этом компьютере</h2>
      {error && <p class="error">{error}</p>}
      <ul class="school-files">
        {(list ?? [])
          .filter((f) => f.current || f.has_school || f.server)
          .map((f, i) => (
            <li data-testid={`school-${i}`} data-current={String(f.current)}>
              <b>{f.title}</b>
              {f.server ? <span class="muted"> — сервер {f.server}</span> : <span class="muted"> — создана на этом компьютере</span>}
              {f.current ? (
                <span class="muted"> (открыта сейчас)</span>
              ) : (
                <button
                  class="link"
                  data-testid={`school-open-${i}`}
                  onClick={async () => {
                    const r = await api.openSchool(f.path);
                    if (r.ok) onState(r.value);
                    else setError(r.error.message);
                  }}
                >
                  открыть
                </button>
              )}
            </li>
          ))}
      </ul>
    </section>
  );
}
