// The class teacher's pages: every subject of his class (read only), the roster with import,
// subgroups and movement, personal data (only for him and the admin), and monitoring.

import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api";
import type { Finding, JournalRef, MovementEntry, MovementKind, PersonalView, RosterView } from "../types";
import { count, localToday, ruDate } from "../ru";
import { DateField, dateProblem } from "../datefield";

type Tab = "subjects" | "roster" | "movement" | "personal" | "monitoring";

export function classesOf(journals: JournalRef[]): Array<{ id: string; name: string }> {
  const seen = new Map<string, string>();
  for (const j of journals) seen.set(j.class_id, j.class_name);
  return [...seen].map(([id, name]) => ({ id, name }));
}

export function ClassPage({ api, journals, year, onOpen }: { api: Api; journals: JournalRef[]; year: string | null; onOpen: (j: JournalRef) => void }) {
  // The classes he leads are those whose journals he may read without writing them all.
  const led = classesOf(journals.filter((j) => j.access === "read"));
  const classes = led.length ? led : classesOf(journals);
  const [classId, setClassId] = useState(classes[0]?.id ?? "");
  const [tab, setTab] = useState<Tab>("subjects");
  if (!classes.length) return <div class="page muted">Вы не руководите классом.</div>;
  const cls = classes.find((c) => c.id === classId) ?? classes[0]!;
  const t = (name: Tab, title: string) => (
    <button class={"subtab" + (tab === name ? " active" : "")} data-testid={`class-tab-${name}`} onClick={() => setTab(name)}>
      {title}
    </button>
  );
  return (
    <div class="page class-page">
      <div class="toolbar">
        <h2>Класс {cls.name}</h2>
        {classes.length > 1 && (
          <select data-testid="class-select" value={cls.id} onChange={(e) => setClassId((e.target as HTMLSelectElement).value)}>
            {classes.map((c) => (
              <option value={c.id}>{c.name}</option>
            ))}
          </select>
        )}
        <nav class="subtabs">
          {t("subjects", "Предметы")}
          {t("roster", "Список класса")}
          {t("movement", "Движение")}
          {t("personal", "Личные данные")}
          {t("monitoring", "Мониторинг")}
        </nav>
      </div>
      {tab === "subjects" && <Subjects journals={journals.filter((j) => j.class_id === cls.id)} onOpen={onOpen} />}
      {tab === "roster" && <Roster api={api} classId={cls.id} />}
      {tab === "movement" && <Movement api={api} classId={cls.id} year={year} />}
      {tab === "personal" && <Personal api={api} classId={cls.id} />}
      {tab === "monitoring" && <Monitoring api={api} classId={cls.id} />}
    </div>
  );
}

function Subjects({ journals, onOpen }: { journals: JournalRef[]; onOpen: (j: JournalRef) => void }) {
  return (
    <ul class="journal-list" data-testid="class-subjects">
      {journals.map((j, i) => (
        <li>
          <button class={"journal-item " + j.access} data-testid={`class-subject-${i}`} data-subject={j.subject_name} onClick={() => onOpen(j)}>
            <span class="subj">{j.subject_name}</span>
            {j.subgroup !== null && <span class="grp">{j.subgroup} группа</span>}
            <span class={j.access === "read" ? "ro-tag" : "rw-tag"}>{j.access === "read" ? "просмотр" : "мой предмет"}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function useLoad<T>(f: () => Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = async () => {
    const r = await f();
    if (r.ok) {
      setData(r.value);
      setError(null);
    } else setError(r.error.message);
  };
  useEffect(() => void reload(), deps);
  return { data, error, setData, reload };
}

function Roster({ api, classId }: { api: Api; classId: string }) {
  const { data, error, reload } = useLoad<RosterView>(() => api.roster(classId), [classId]);
  const [path, setPath] = useState("");
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const pick = async () => {
    const p = await api.pickFile("open", [{ name: "Список класса", extensions: ["csv", "xlsx"] }]);
    if (p) setPath(p);
  };
  const doImport = async () => {
    if (!path.trim()) return setNote({ ok: false, text: "Укажите файл CSV или XLSX со списком класса" });
    const r = await api.importRoster(classId, path.trim());
    if (r.ok) {
      setNote({ ok: true, text: `Загружено: добавлено ${r.value.added}, обновлено ${r.value.updated}` });
      void reload();
    } else setNote({ ok: false, text: r.error.message });
  };
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!data) return <div class="loading">Загружаю список…</div>;
  const subjects = [...new Set(data.students.flatMap((s) => Object.keys(s.subgroups)))];
  return (
    <div>
      <div class="import-row">
        <input class="path" data-testid="roster-path" placeholder="Файл со списком: CSV или XLSX" value={path} onInput={(e) => setPath((e.target as HTMLInputElement).value)} />
        <button data-testid="roster-pick" onClick={pick}>
          Выбрать файл…
        </button>
        <button class="primary" data-testid="roster-import" onClick={doImport}>
          Загрузить список
        </button>
        {note && (
          <span class={note.ok ? "ok" : "error"} data-testid="roster-note">
            {note.text}
          </span>
        )}
      </div>
      <p class="muted small">Файл: фамилия, имя, отчество, дата рождения — по строке на ученика. Если в файле есть ошибки, не загружается ничего, а каждая ошибка названа с номером строки.</p>
      <table class="list" data-testid="roster-table">
        <thead>
          <tr>
            <th>№</th>
            <th>Ученик</th>
            <th>Дата рождения</th>
            {subjects.map((s) => (
              <th>{s}: группа</th>
            ))}
            <th>Движение</th>
          </tr>
        </thead>
        <tbody>
          {data.students.map((s) => (
            <tr class={s.on_roll ? "" : "off-roll"}>
              <td class="num">{s.number}</td>
              <td>{s.name}</td>
              <td>{s.birth_date ? ruDate(s.birth_date) : ""}</td>
              {subjects.map((subj) => (
                <td class="num">{s.subgroups[subj] ?? "—"}</td>
              ))}
              <td class="small">
                {s.movements.map((m) => `${m.title} ${ruDate(m.date)}, приказ № ${m.order}${m.place ? `, ${m.place}` : ""}`).join("; ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Movement({ api, classId, year }: { api: Api; classId: string; year: string | null }) {
  const { data, error, setData } = useLoad<RosterView>(() => api.roster(classId), [classId]);
  const [student, setStudent] = useState("");
  const [kind, setKind] = useState<MovementKind>("arrival");
  const [date, setDate] = useState<string | null>(localToday());
  const [order, setOrder] = useState("");
  const [place, setPlace] = useState("");
  /** The entry being corrected, or null for a new one. */
  const [editing, setEditing] = useState<string | null>(null);
  /** The entry whose cancellation waits for «Да». */
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!data) return <div class="loading">Загружаю…</div>;
  const canWrite = data.access === "write";
  const clear = () => {
    setEditing(null);
    setOrder("");
    setPlace("");
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!student) return setNote({ ok: false, text: "Выберите ученика." });
    const problem = dateProblem(date);
    if (problem || !date) return setNote({ ok: false, text: problem ?? "" });
    const edit = { kind, date, order, from: kind === "arrival" ? place : "", to: kind === "arrival" ? "" : place };
    const r = editing ? await api.correctMovement(classId, editing, edit) : await api.addMovement(classId, student, edit);
    if (r.ok) {
      setData(r.value);
      setNote({ ok: true, text: editing ? "Запись исправлена" : "Записано" });
      clear();
    } else setNote({ ok: false, text: r.error.message });
  };
  const startEdit = (entry: MovementEntry) => {
    setEditing(entry.movement.id);
    setStudent(entry.student_id);
    setKind(entry.movement.kind as MovementKind);
    setDate(entry.movement.date);
    setOrder(entry.movement.order);
    setPlace(entry.movement.place);
    setNote(null);
  };
  const cancel = async (id: string) => {
    const r = await api.cancelMovement(classId, id);
    setCancelling(null);
    if (r.ok) {
      setData(r.value);
      setNote({ ok: true, text: "Запись отменена: ученик в списке класса, как если бы её не было" });
      if (editing === id) clear();
    } else setNote({ ok: false, text: r.error.message });
  };
  return (
    <div class="two-col">
      {canWrite ? (
        <form class="card" onSubmit={submit} data-testid="movement-form">
          <h3>{editing ? "Исправить запись о движении" : "Записать движение"}</h3>
          <label>
            Ученик
            <select data-testid="movement-student" value={student} disabled={editing !== null} onChange={(e) => setStudent((e.target as HTMLSelectElement).value)}>
              <option value="">— выберите —</option>
              {data.students.map((s) => (
                <option value={s.id}>{s.name}</option>
              ))}
            </select>
          </label>
          <label>
            Что произошло
            <select data-testid="movement-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as MovementKind)}>
              <option value="arrival">прибыл</option>
              <option value="departure">выбыл</option>
              <option value="transfer">переведён в другой класс</option>
            </select>
          </label>
          <label>
            Дата
            <DateField testid="movement-date" value={date} year={year} onChange={setDate} />
          </label>
          <label>
            Приказ №
            <input data-testid="movement-order" value={order} onInput={(e) => setOrder((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {kind === "arrival" ? "Откуда прибыл" : kind === "transfer" ? "В какой класс" : "Куда выбыл"}
            <input data-testid="movement-place" value={place} onInput={(e) => setPlace((e.target as HTMLInputElement).value)} />
          </label>
          <div class="row">
            <button class="primary" type="submit" data-testid="movement-save">
              {editing ? "Сохранить исправление" : "Записать"}
            </button>
            {editing && (
              <button type="button" data-testid="movement-edit-cancel" onClick={clear}>
                Не исправлять
              </button>
            )}
          </div>
          {note && <p class={note.ok ? "ok" : "error"} data-testid="movement-note">{note.text}</p>}
        </form>
      ) : (
        <p class="muted">Движение учащихся записывает классный руководитель.</p>
      )}
      <div>
        <h3>Движение учащихся за год</h3>
        {data.log.length === 0 ? (
          <p class="muted">Движения не было.</p>
        ) : (
          <table class="list" data-testid="movement-table">
            <thead>
              <tr>
                <th>Дата</th>
                <th>Ученик</th>
                <th>Что произошло</th>
                <th>Приказ №</th>
                <th>Откуда / куда</th>
                {canWrite && <th></th>}
              </tr>
            </thead>
            <tbody>
              {data.log.map((entry) => {
                const m = entry.movement;
                return (
                  <tr class={entry.cancelled ? "cancelled" : ""} data-testid={`movement-row-${m.id}`}>
                    <td>{ruDate(m.date)}</td>
                    <td>{entry.student}</td>
                    <td>
                      {m.title}
                      {entry.cancelled && <div class="small muted" data-testid={`movement-cancelled-${m.id}`}>{entry.cancelled}</div>}
                      {entry.corrections.map((c) => (
                        <div class="small muted">{c}</div>
                      ))}
                    </td>
                    <td>{m.order}</td>
                    <td>{m.place}</td>
                    {canWrite && (
                      <td class="actions">
                        {!entry.cancelled &&
                          (cancelling === m.id ? (
                            <span>
                              Отменить запись?{" "}
                              <button class="link" data-testid={`movement-cancel-yes-${m.id}`} onClick={() => void cancel(m.id)}>
                                Да
                              </button>{" "}
                              <button class="link" onClick={() => setCancelling(null)}>
                                Нет
                              </button>
                            </span>
                          ) : (
                            <>
                              <button class="link" data-testid={`movement-edit-${m.id}`} onClick={() => startEdit(entry)}>
                                исправить
                              </button>{" "}
                              <button class="link" data-testid={`movement-cancel-${m.id}`} onClick={() => setCancelling(m.id)}>
                                отменить
                              </button>
                            </>
                          ))}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

function Personal({ api, classId }: { api: Api; classId: string }) {
  const { data, error } = useLoad<PersonalView>(() => api.personal(classId), [classId]);
  if (error)
    return (
      <p class="banner notice" data-testid="personal-denied">
        {error}
      </p>
    );
  if (!data) return <div class="loading">Загружаю…</div>;
  return (
    <div>
      <p class="muted small">Личные данные (152-ФЗ) видят только классный руководитель и администратор; на другие компьютеры они не передаются.</p>
      <table class="list" data-testid="personal-table">
        <thead>
          <tr>
            <th>Ученик</th>
            <th>Адрес</th>
            <th>Телефон</th>
            <th>Родители</th>
            <th>Согласие на обработку</th>
          </tr>
        </thead>
        <tbody>
          {data.students.map((s) => (
            <tr>
              <td>{s.name}</td>
              <td>{s.address}</td>
              <td class="nowrap">{s.phone}</td>
              <td class="small">{s.parents.map((p) => `${p.name} (${p.relation}), ${p.workplace}, ${p.phone}`).join("; ")}</td>
              <td class={s.consent === null ? "warn" : s.consent ? "" : "error"}>{s.consent === null ? "не получено" : s.consent ? "дано" : "отказ"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const FINDING_TITLES: Record<Finding["kind"], string> = {
  no_marks: "Ученики без отметок",
  no_topic: "Уроки без темы",
  no_attendance: "Уроки без отметки посещаемости",
  absence_to_confirm: "Пропуски этой недели: уточнить причину",
};

function Monitoring({ api, classId }: { api: Api; classId: string }) {
  const [n, setN] = useState(5);
  const { data, error } = useLoad<Finding[]>(() => api.monitoring(classId, n), [classId, n]);
  return (
    <div>
      <label class="field-inline">
        Без отметок за последние
        <input type="number" min={1} max={30} class="narrow" data-testid="monitoring-n" value={n} onChange={(e) => setN(Math.max(1, Number((e.target as HTMLInputElement).value) || 1))} />
        уроков
      </label>
      {error && <p class="error">{error}</p>}
      {data && data.length === 0 && <p class="ok">Замечаний нет.</p>}
      {data &&
        (Object.keys(FINDING_TITLES) as Finding["kind"][]).map((kind) => {
          const list = data.filter((f) => f.kind === kind);
          if (!list.length) return null;
          return (
            <section class="findings" data-testid={`monitoring-${kind}`}>
              <h3>
                {FINDING_TITLES[kind]} <span class="count">{count(list.length, ["запись", "записи", "записей"])}</span>
              </h3>
              <table class="list findings">
                <tbody>
                  {list.map((f) => (
                    <tr>
                      <td>{f.subject}</td>
                      {list.some((x) => x.student) && <td class="who">{f.student ?? ""}</td>}
                      {list.some((x) => x.date) && <td class="when">{f.date ? ruDate(f.date) : ""}</td>}
                      <td>{f.text}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          );
        })}
    </div>
  );
}
