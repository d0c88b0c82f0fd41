// The application frame: first start, choosing who works at this computer, the header with the
// always-visible sync status, and the pages.

import { useEffect, useState } from "preact/hooks";
import type { Api } from "./api";
import type { AppState, JournalRef, Period, StaffView, SyncStatus } from "./types";
import { ClassPage } from "./pages/class";
import { JournalPage, JournalsPage } from "./pages/journal";
import { ReportsPage } from "./pages/reports";
import { ChangePassword, LoginForm, Schools, SyncPage } from "./pages/sync";
import { count, plural, ROLE_TITLES, ruTime } from "./ru";
import { storeEverything } from "./leaving";
import { nextZoom, savedZoom, setZoom } from "./zoom";

export type Page =
  | { name: "journals" }
  | { name: "journal"; journal: JournalRef; period?: Period; lesson?: string }
  | { name: "class" } | { name: "reports" } | { name: "sync" };

export function App({ api, initial }: { api: Api; initial?: Page }) {
  const [state, setState] = useState<AppState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [page, setPage] = useState<Page>(initial ?? { name: "journals" });
  const [journals, setJournals] = useState<JournalRef[] | null>(null);
  const [unsaved, setUnsaved] = useState(0);
  /** Choosing another person (the profile screen over the current one). */
  const [switching, setSwitching] = useState(false);
  /** The window was asked to close and something typed could not be stored: what. */
  const [closing, setClosing] = useState<string[] | null>(null);
  /** F1: the keys of the journal. */
  const [help, setHelp] = useState(false);
  // Keys of the whole window: F1 for help, Ctrl+plus/minus/0 for the zoom.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "F1") {
        e.preventDefault();
        setHelp((h) => !h);
      } else if (e.key === "Escape") setHelp(false);
      else if (e.ctrlKey && !e.altKey) {
        const z = nextZoom(savedZoom(), e.key);
        if (z !== null) {
          e.preventDefault();
          setZoom(z);
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const refresh = async () => {
    const r = await api.appState();
    performance.mark("zhurnal:state");
    if (r.ok) setState(r.value);
    else setError(r.error.message);
  };
  useEffect(() => void refresh(), []);
  useEffect(() => {
    let stop: (() => void) | null = null;
    void api.onSyncStatus((sync) => setState((s) => (s ? { ...s, sync } : s))).then((f) => (stop = f));
    const timer = setInterval(async () => {
      const r = await api.syncStatus();
      if (r.ok) setState((s) => (s ? { ...s, sync: r.value } : s));
    }, 10000);
    return () => {
      stop?.();
      clearInterval(timer);
    };
  }, []);
  // Closing the window stores what is being typed first; what cannot be stored is shown and the
  // window stays open until the teacher decides.
  useEffect(() => {
    let stop: (() => void) | null = null;
    void api
      .onCloseRequested(async () => {
        void api.closeSeen();
        const left = await storeEverything();
        if (left.length === 0) void api.closeWindow();
        else setClosing(left);
      })
      .then((f) => (stop = f));
    return () => stop?.();
  }, []);
  useEffect(() => {
    if (!state?.profile || state.locked) return;
    void api.myJournals().then((r) => {
      performance.mark("zhurnal:journals");
      if (r.ok) setJournals(r.value);
      else setError(r.error.message);
    });
  }, [state?.profile?.id, state?.locked]);
  /** The PIN settings card. */
  const [pinCard, setPinCard] = useState(false);

  const setSync = (sync: SyncStatus) => setState((s) => (s ? { ...s, sync } : s));
  const syncLater = async () => {
    const r = await api.syncStatus();
    if (r.ok) setSync(r.value);
  };

  if (!state)
    return error ? (
      <div class="first-start" role="alert" data-testid="start-error">
        <h1>Журнал не открылся</h1>
        <p class="error">{error}</p>
        <p>Файл оставлен как есть: ничего в нём не изменено. Можно открыть другую школу этого компьютера или начать с нового файла.</p>
        <div class="row">
          <button
            class="primary"
            data-testid="start-new-file"
            onClick={async () => {
              const r = await api.newSchoolFile();
              if (r.ok) {
                setError(null);
                setState(r.value);
              } else setError(r.error.message);
            }}
          >
            Начать с нового файла
          </button>
        </div>
        <Schools
          api={api}
          onState={(s) => {
            setError(null);
            setState(s);
          }}
        />
      </div>
    ) : (
      <div class="loading">Открываю журнал…</div>
    );
  const helpBox = help && <KeysHelp onClose={() => setHelp(false)} />;
  const closeQuestion = closing && (
    <CloseQuestion
      left={closing}
      onStay={() => setClosing(null)}
      onClose={() => {
        setClosing(null);
        void api.closeWindow();
      }}
    />
  );
  if (!state.has_school)
    return (
      <>
        <FirstStart api={api} state={state} onOpened={setState} />
        {closeQuestion}
      </>
    );
  if (!state.profile || switching)
    return (
      <>
        <ProfilePicker
          api={api}
          current={state.profile?.id ?? null}
          onCancel={state.profile ? () => setSwitching(false) : undefined}
          onChosen={(next) => {
            if (next.profile?.id !== state.profile?.id) {
              // Nothing of the previous person stays on screen: their journal, list and page.
              setPage({ name: "journals" });
              setJournals(null);
              setError(null);
            }
            setSwitching(false);
            setState(next);
          }}
        />
        {closeQuestion}
      </>
    );
  if (state.locked)
    return (
      <>
        <LockScreen api={api} state={state} onUnlocked={setState} onOther={() => setSwitching(true)} />
        {closeQuestion}
      </>
    );
  const lockNow = async () => {
    const left = await storeEverything();
    if (left.length > 0) return setError(`Заблокировать пока нельзя: не сохранено — ${left.join("; ")}. Исправьте запись или отмените её (Esc).`);
    const r = await api.lock();
    if (!r.ok) return setError(r.error.message);
    setError(null);
    setPage({ name: "journals" });
    setJournals(null);
    setState(r.value);
  };
  const changePerson = async () => {
    const left = await storeEverything();
    if (left.length > 0) return setError(`Сменить сотрудника пока нельзя: не сохранено — ${left.join("; ")}. Исправьте запись или отмените её (Esc).`);
    setError(null);
    setSwitching(true);
  };

  const leads = state.profile.roles.includes("class_teacher") || state.profile.roles.includes("admin");
  const tab = (name: Page["name"], title: string, testid: string) => (
    <button
      class={"tab" + (page.name === name || (name === "journals" && page.name === "journal") ? " active" : "")}
      data-testid={testid}
      onClick={() => setPage({ name } as Page)}
    >
      {title}
    </button>
  );
  return (
    <div class="app">
      <header class="top">
        <div class="brand" title={state.db_path}>
          Журнал
          {state.school && (
            <span class="school" data-testid="school-name">
              {state.school}
              {state.year ? `, ${state.year}` : ""}
            </span>
          )}
        </div>
        <nav>
          {tab("journals", "Журналы", "nav-journals")}
          {leads && tab("class", "Мой класс", "nav-class")}
          {tab("reports", "Отчёты и печать", "nav-reports")}
          {tab("sync", "Синхронизация", "nav-sync")}
        </nav>
        <SyncBadge sync={state.sync} unsaved={unsaved} onClick={() => setPage({ name: "sync" })} />
        <div class="who" data-testid="profile-name" title={state.profile.roles.map((r) => ROLE_TITLES[r] ?? r).join(", ")}>
          {state.profile.name}
          <button
            class="link"
            data-testid="profile-change"
            onClick={() => void changePerson()}
            title="Выбрать другого сотрудника"
          >
            сменить
          </button>
          <button class="link" data-testid="pin-settings" onClick={() => setPinCard(true)} title="PIN-код для входа на этом компьютере">
            PIN
          </button>
          {state.profile.pin && (
            <button class="link" data-testid="lock-now" onClick={() => void lockNow()} title="Отойти от компьютера: без PIN-кода никто не сможет работать под вашим именем">
              заблокировать
            </button>
          )}
        </div>
      </header>
      {error && (
        <div class="banner error" role="alert">
          {error} <button class="link" onClick={() => setError(null)}>закрыть</button>
        </div>
      )}
      {closeQuestion}
      {helpBox}
      {pinCard && (
        <PinSettings
          api={api}
          has={state.profile.pin}
          admin={state.profile.roles.includes("admin")}
          onClose={() => setPinCard(false)}
          onDone={(next) => {
            setPinCard(false);
            setState(next);
          }}
        />
      )}
      <main>
        {page.name === "journals" && (
          <JournalsPage
            journals={journals}
            api={api}
            onOpen={(journal) => setPage({ name: "journal", journal })}
            onOpenLesson={(journal, period, lesson) => setPage({ name: "journal", journal, period, lesson })}
          />
        )}
        {page.name === "journal" && (
          <JournalPage
            key={`${page.journal.class_id}/${page.journal.subject_id}/${page.journal.subgroup}/${page.lesson ?? ""}`}
            api={api}
            journal={page.journal}
            period={page.period}
            lesson={page.lesson}
            journals={journals ?? []}
            onOpen={(journal) => setPage({ name: "journal", journal })}
            onUnsaved={(n) => {
              setUnsaved(n);
              if (n === 0) void syncLater();
            }}
          />
        )}
        {page.name === "class" && (
          <ClassPage api={api} journals={journals ?? []} year={state.year} onOpen={(journal) => setPage({ name: "journal", journal })} />
        )}
        {page.name === "reports" && <ReportsPage api={api} journals={journals ?? []} year={state.year} />}
        {page.name === "sync" && <SyncPage api={api} state={state} onState={setState} onSync={setSync} />}
      </main>
    </div>
  );
}

/** Offline or online, what is not yet on the server, the last sync, conflicts: always visible. */
export function SyncBadge({ sync, unsaved, onClick }: { sync: SyncStatus; unsaved: number; onClick: () => void }) {
  const changes = sync.pending.reduce((a, p) => a + p.changes, 0);
  const line = !sync.configured
    ? "Без сервера"
    : sync.syncing
      ? "Синхронизация…"
      : sync.online
      ? sync.last_sync
        ? `На связи · синхронизировано ${ruTime(sync.last_sync)}`
        : "На связи"
      : `Нет связи${sync.last_sync ? ` · последняя синхронизация ${ruTime(sync.last_sync)}` : ""}`;
  const cls = !sync.configured ? "local" : sync.syncing ? "syncing" : sync.online ? "online" : "offline";
  return (
    <button
      class={`sync-badge ${cls}`}
      data-testid="sync-status"
      data-online={String(sync.online)}
      title={sync.message || "Подробнее о синхронизации"}
      onClick={onClick}
    >
      <span class="dot" aria-hidden="true" />
      <span class="line">{line}</span>
      {changes > 0 && (
        <span class="pending" data-testid="sync-pending">
          {count(changes, ["изменение", "изменения", "изменений"])} ещё не {plural(changes, ["отправлено", "отправлены", "отправлено"])}
        </span>
      )}
      {unsaved > 0 && (
        <span class="unsaved" data-testid="sync-unsaved">
          сохраняется: {unsaved}
        </span>
      )}
      {sync.conflicts > 0 && (
        <span class="conflicts" data-testid="sync-conflicts">
          {count(sync.conflicts, ["конфликт", "конфликта", "конфликтов"])}
        </span>
      )}
    </button>
  );
}

/** The first start: the teacher's own school from its server, or the demo school to look
 * around. A computer logged in whose school has not come yet fetches it here. */
export function FirstStart({ api, state, onOpened }: { api: Api; state: AppState; onOpened: (s: AppState) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (state.sync.configured) return <Receiving api={api} state={state} onOpened={onOpened} />;
  return (
    <div class="first-start" data-testid="first-start">
      <h1>Журнал</h1>
      <p class="lead">Электронный классный журнал, который работает без интернета.</p>
      <div class="start-choices">
        <section class="card" data-testid="start-server">
          <LoginForm
            api={api}
            onState={onOpened}
            heading="Подключиться к серверу школы"
            intro="Адрес сервера, логин и пароль выдаёт администратор (на листке с доступом). Пароль нужен один раз: дальше компьютер работает и без сети."
          />
        </section>
        <section class="card" data-testid="start-demo">
          <h2>Демонстрационная школа</h2>
          <p>«Берёзовская СОШ»: десять классов, учителя, расписание и целый учебный год отметок — чтобы посмотреть, как всё устроено. Своя школа потом откроется отдельно, демонстрационная ей не помешает.</p>
          <button
            class="big"
            data-testid="open-demo"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              const r = await api.openDemo();
              setBusy(false);
              if (r.ok) onOpened(r.value);
              else setError(r.error.message);
            }}
          >
            {busy ? "Создаю демонстрационную школу…" : "Открыть демонстрационную школу"}
          </button>
          {busy && <p class="muted small">Это займёт несколько секунд: создаётся целый учебный год.</p>}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </section>
      </div>
      <Schools api={api} onState={onOpened} />
    </div>
  );
}

/** Logged in, the school not here yet: the first sync brings it (a one-time password from the
 * slip is changed here first, if the server asks). */
function Receiving({ api, state, onOpened }: { api: Api; state: AppState; onOpened: (s: AppState) => void }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const fetchSchool = async () => {
    setBusy(true);
    setNote(null);
    const r = await api.syncNow();
    const s = await api.appState();
    setBusy(false);
    if (s.ok && s.value.has_school) return onOpened(s.value);
    if (!r.ok) setNote(r.error.message);
    else setNote(r.value.online ? "Сервер ещё не прислал школу. Попробуйте ещё раз чуть позже." : r.value.message || "Нет связи с сервером.");
  };
  useEffect(() => void fetchSchool(), []);
  return (
    <div class="first-start" data-testid="receiving">
      <h1>Подключено к серверу школы</h1>
      <p>
        Сервер <b>{state.sync.server}</b>
        {state.sync.user ? `, вход как ${state.sync.user}` : ""}.
      </p>
      <p role="status" data-testid="receiving-status" class={note ? "error" : "muted"}>
        {busy ? "Получаю школу с сервера…" : note ?? ""}
      </p>
      <div class="row">
        <button class="primary" data-testid="receive-school" disabled={busy} onClick={() => void fetchSchool()}>
          Получить школу с сервера
        </button>
        <button
          data-testid="receive-logout"
          disabled={busy}
          onClick={async () => {
            const r = await api.logout();
            if (r.ok) onOpened(r.value);
            else setNote(r.error.message);
          }}
        >
          Отключиться от сервера
        </button>
      </div>
      <ChangePassword api={api} onChanged={() => void fetchSchool()} />
      <Schools api={api} onState={onOpened} />
    </div>
  );
}

/** F1: every key of the journal on one card. */
export function KeysHelp({ onClose }: { onClose: () => void }) {
  const rows: Array<[string, string]> = [
    ["5, 4, 3, 2, 1", "отметка; 54 или 5/4 — две отметки в клетке"],
    ["н, б, у, о", "посещаемость: не был, болел, уважительная причина, опоздал"],
    ["н/а, зач, незач, осв", "не аттестован, зачёт, незачёт, освобождён"],
    ["Enter, Tab, стрелки", "записать и перейти дальше (Shift — назад)"],
    ["Esc", "отменить то, что набрано в клетке"],
    ["Delete", "очистить клетку"],
    ["F2", "исправить отметку, не стирая её"],
    ["Ctrl+Z", "отменить последнюю правку в этом журнале (курсор перейдёт к ней)"],
    ["Ctrl+Enter", "к теме и заданию урока и обратно"],
    ["Ctrl+плюс, Ctrl+минус, Ctrl+0", "крупнее, мельче, обычный размер"],
    ["F1", "эта подсказка"],
  ];
  return (
    <div class="modal-back" onClick={onClose}>
      <div class="modal" role="dialog" aria-labelledby="help-title" data-testid="help" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">Клавиши журнала</h2>
        <table class="list keys">
          <tbody>
            {rows.map(([k, what]) => (
              <tr>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="row">
          <button class="primary" data-testid="help-close" onClick={onClose} autoFocus>
            Понятно
          </button>
        </div>
      </div>
    </div>
  );
}

/** The question when the window is closed with an entry that cannot be stored. */
export function CloseQuestion({ left, onStay, onClose }: { left: string[]; onStay: () => void; onClose: () => void }) {
  return (
    <div class="modal-back">
      <div class="modal" role="alertdialog" aria-labelledby="close-title" data-testid="close-question">
        <h2 id="close-title">Закрыть журнал?</h2>
        <p>Это не сохранено и будет потеряно:</p>
        <ul data-testid="close-left">
          {left.map((l) => (
            <li>{l}</li>
          ))}
        </ul>
        <div class="row">
          <button class="primary" data-testid="close-stay" onClick={onStay} autoFocus>
            Вернуться и исправить
          </button>
          <button class="danger" data-testid="close-anyway" onClick={onClose}>
            Закрыть без этого
          </button>
        </div>
      </div>
    </div>
  );
}

interface ProfilePickerProps {
  api: Api;
  /** The person working now (preselected), when the screen is opened to change it. */
  current?: string | null;
  /** Back to the current person's work, unchanged. */
  onCancel?: () => void;
  onChosen: (s: AppState) => void;
}

export function ProfilePicker({ api, current, onCancel, onChosen }: ProfilePickerProps) {
  const [staff, setStaff] = useState<StaffView[] | null>(null);
  const [chosen, setChosen] = useState(current ?? "");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const needsPin = !!staff?.find((s) => s.id === chosen)?.pin && chosen !== current;
  useEffect(() => {
    void api.staffList().then((r) => (r.ok ? setStaff(r.value) : setError(r.error.message)));
  }, []);
  const choose = async () => {
    if (!chosen) return setError("Выберите себя в списке");
    if (chosen === current && onCancel) return onCancel();
    if (needsPin && !pin.trim()) return setError("Введите PIN-код этого сотрудника");
    const r = await api.setProfile(chosen, needsPin ? pin : undefined);
    if (r.ok) onChosen(r.value);
    else setError(r.error.message);
  };
  return (
    <div class="first-start" data-testid="profile-picker">
      <h1>Кто работает за этим компьютером?</h1>
      <p>Выберите себя в списке сотрудников школы. Отметки будут записаны от вашего имени. Сервер для этого не нужен.</p>
      <div class="row">
        <select
          data-testid="profile-select"
          value={chosen}
          onChange={(e) => {
            setChosen((e.target as HTMLSelectElement).value);
            setPin("");
            setError(null);
          }}
        >
          <option value="">— выберите —</option>
          {staff?.map((s) => (
            <option value={s.id}>
              {s.name} — {s.description || s.roles.map((r) => ROLE_TITLES[r] ?? r).join(", ")}
            </option>
          ))}
        </select>
        {needsPin && (
          <input
            type="password"
            inputMode="numeric"
            autocomplete="off"
            class="pin"
            data-testid="profile-pin"
            placeholder="PIN-код"
            value={pin}
            onInput={(e) => setPin((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => e.key === "Enter" && void choose()}
          />
        )}
        <button class="primary" data-testid="profile-confirm" onClick={choose}>
          Продолжить
        </button>
        {onCancel && (
          <button data-testid="profile-cancel" onClick={onCancel}>
            Отмена
          </button>
        )}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}

/** A profile with a local PIN, at start or after «заблокировать»: nothing else is shown. */
export function LockScreen({ api, state, onUnlocked, onOther }: { api: Api; state: AppState; onUnlocked: (s: AppState) => void; onOther: () => void }) {
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const enter = async () => {
    const r = await api.unlock(pin);
    setPin("");
    if (r.ok) onUnlocked(r.value);
    else setError(r.error.message);
  };
  return (
    <div class="first-start" data-testid="lock-screen">
      <h1>Журнал заблокирован</h1>
      <p>
        За этим компьютером работает <b data-testid="lock-name">{state.profile?.name}</b>. Введите PIN-код, чтобы продолжить.
      </p>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void enter();
        }}
      >
        <input
          type="password"
          inputMode="numeric"
          autocomplete="off"
          class="pin"
          data-testid="lock-pin"
          placeholder="PIN-код"
          value={pin}
          autoFocus
          onInput={(e) => setPin((e.target as HTMLInputElement).value)}
        />
        <button class="primary" type="submit" data-testid="lock-enter">
          Продолжить
        </button>
        <button type="button" data-testid="lock-other" onClick={onOther}>
          Другой сотрудник
        </button>
      </form>
      {error && (
        <p class="error" role="alert" data-testid="lock-error">
          {error}
        </p>
      )}
      <p class="muted small">Забыли PIN-код? Его снимает администратор школы на этом компьютере: «PIN» рядом с его именем.</p>
    </div>
  );
}

/** Setting, changing or removing the local PIN of the person at work. */
export function PinSettings({ api, has, admin, onClose, onDone }: { api: Api; has: boolean; admin: boolean; onClose: () => void; onDone: (s: AppState) => void }) {
  const [others, setOthers] = useState<StaffView[]>([]);
  useEffect(() => {
    if (admin) void api.staffList().then((r) => r.ok && setOthers(r.value));
  }, []);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = async (remove: boolean) => {
    if (!remove && next !== again) return setError("PIN-коды не совпадают: введите новый PIN-код дважды одинаково");
    if (!remove && !next.trim()) return setError("Введите новый PIN-код");
    const r = await api.setPin(has ? current : null, remove ? null : next);
    if (r.ok) onDone(r.value);
    else setError(r.error.message);
  };
  return (
    <div class="modal-back" onClick={onClose}>
      <div class="modal" role="dialog" aria-labelledby="pin-title" data-testid="pin-card" onClick={(e) => e.stopPropagation()}>
        <h2 id="pin-title">PIN-код на этом компьютере</h2>
        <p>
          Если за компьютером работают несколько человек, PIN-код не даёт другим писать в журнал под вашим именем. Он нужен при запуске, при выборе вас в списке и
          после «заблокировать». От 4 до 8 цифр; хранится только здесь.
        </p>
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save(false);
          }}
        >
          {has && <PinField testid="pin-current" label="Нынешний PIN-код" value={current} onInput={setCurrent} autoFocus />}
          <PinField testid="pin-new" label="Новый PIN-код" value={next} onInput={setNext} autoFocus={!has} />
          <PinField testid="pin-again" label="Новый PIN-код ещё раз" value={again} onInput={setAgain} />
          {error && (
            <p class="error" role="alert" data-testid="pin-error">
              {error}
            </p>
          )}
          <div class="row">
            <button class="primary" type="submit" data-testid="pin-save">
              {has ? "Сменить PIN-код" : "Задать PIN-код"}
            </button>
            {has && (
              <button type="button" class="danger" data-testid="pin-remove" onClick={() => void save(true)}>
                Снять PIN-код
              </button>
            )}
            <button type="button" data-testid="pin-cancel" onClick={onClose}>
              Отмена
            </button>
          </div>
        </form>
        {admin && others.some((s) => s.pin) && (
          <section data-testid="pin-others">
            <h3>PIN-коды сотрудников на этом компьютере</h3>
            <p class="muted small">Снимите PIN-код, если сотрудник его забыл: он задаст новый.</p>
            <ul>
              {others
                .filter((s) => s.pin)
                .map((s) => (
                  <li>
                    {s.name}{" "}
                    <button
                      type="button"
                      class="link"
                      data-testid={`pin-clear-${s.id}`}
                      onClick={async () => {
                        const r = await api.clearPin(s.id);
                        if (r.ok) setOthers(r.value);
                        else setError(r.error.message);
                      }}
                    >
                      снять
                    </button>
                  </li>
                ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}

function PinField({ testid, label, value, onInput, autoFocus }: { testid: string; label: string; value: string; onInput: (v: string) => void; autoFocus?: boolean }) {
  return (
    <label>
      {label}
      <input
        type="password"
        inputMode="numeric"
        autocomplete="off"
        class="pin"
        data-testid={testid}
        value={value}
        autoFocus={autoFocus}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)}
      />
    </label>
  );
}
