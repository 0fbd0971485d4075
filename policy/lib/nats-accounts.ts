// Subjects that change name on the way: account stream/service imports (with `prefix` or `to`)
// and subject `mappings`. A non-command-publisher's permitted publication that lands, after the
// rename, on a command subject is a command it could not publish directly; an import or export of
// the JetStream API hands another account its administration. Permissions are checked on the
// subject the client publishes, so the rename is where the command subjects leak.
import { GLOBAL_ACCOUNT, type NatsUser, natsUsers, publishRights } from "./nats-auth";
import { isNatsMap, type NatsMap, type NatsValue } from "./nats-conf";
import { JS_API } from "./nats-rights";
import { intersectPatterns, reachableForbiddenSubject } from "./nats-subjects";

export interface SubjectGuard {
  readonly commandPublishers: readonly string[];
  readonly forbidden: readonly string[];
  readonly exemptions: Readonly<Record<string, readonly string[]>>;
}

const WILDCARD_REF = /^(\$\d+|\{\{\s*wildcard\(\s*\d+\s*\)\s*\}\})$/i;

/**
 * A destination (`to`, a mapping target) as a pattern over the subjects it can produce: a
 * wildcard reference is one token (`*`); any other template function ({{split}}, {{partition}}…)
 * may produce several, so it and everything after it become `>`.
 */
export function destinationPattern(destination: string): string {
  const tokens = destination.trim().split(".");
  const out: string[] = [];
  for (const token of tokens) {
    if (WILDCARD_REF.test(token)) out.push("*");
    else if (token.includes("{{")) return [...out, ">"].join(".");
    else out.push(token);
  }
  return out.join(".");
}

/** The subjects s for which `${prefix}.${s}` matches the pattern, as a pattern, or undefined. */
export function afterPrefix(pattern: string, prefix: string): string | undefined {
  const p = pattern.split(".");
  const head = prefix.split(".");
  for (let i = 0; i < head.length; i++) {
    const token = p[i];
    if (token === ">") return ">";
    if (token === undefined || (token !== "*" && token !== head[i])) return undefined;
  }
  const rest = p.slice(head.length);
  return rest.length === 0 ? undefined : rest.join(".");
}

function describe(value: NatsValue | undefined): string {
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return "a list";
  if (isNatsMap(value)) return "a map";
  if (typeof value === "object") return `the unresolved variable $${value.name}`;
  return `'${String(value)}'`;
}

function overlapsAny(pattern: string, targets: readonly string[]): string[] {
  return targets.map((t) => intersectPatterns(pattern, t)).filter((o): o is string => o !== undefined);
}

class AccountJudge {
  readonly problems: string[] = [];
  private readonly users: NatsUser[];

  constructor(
    private readonly root: NatsMap,
    private readonly guard: SubjectGuard,
  ) {
    this.users = natsUsers(root);
  }

  private usersOf(account: string): NatsUser[] {
    const wanted = account.toLowerCase();
    return this.users.filter(
      (u) => u.account.toLowerCase() === wanted && !this.guard.commandPublishers.includes(u.name),
    );
  }

  private accountExists(account: string): boolean {
    const accounts = isNatsMap(this.root.accounts) ? this.root.accounts : {};
    return account === GLOBAL_ACCOUNT || account.toLowerCase() in accounts;
  }

  /**
   * A user of `account` (not a command publisher) who may publish a subject inside `source`
   * that the rename takes into `targets`; with `exact`, exemptions apply (the name is unchanged).
   */
  private publisherInto(account: string, source: string[], exact: boolean) {
    for (const user of this.usersOf(account)) {
      const rights = publishRights(user.permissions);
      const exempt = exact ? (this.guard.exemptions[user.name] ?? []) : [];
      const witness = reachableForbiddenSubject(rights, source, exempt);
      if (witness !== undefined) return { user, witness };
    }
    return undefined;
  }

  private only(): string {
    return `only ${this.guard.commandPublishers.join(", ")} may publish under ${this.guard.forbidden.join(", ")}`;
  }

  judgeAccount(name: string, account: NatsMap): void {
    this.judgeList(name, account, "exports", (entry, where) => this.judgeExport(name, entry, where));
    this.judgeList(name, account, "imports", (entry, where) => this.judgeImport(name, entry, where));
    this.judgeMappings(name, account.mappings);
  }

  judgeGlobal(): void {
    this.judgeMappings(GLOBAL_ACCOUNT, this.root.mappings);
  }

  private judgeList(
    account: string,
    block: NatsMap,
    key: "exports" | "imports",
    judge: (entry: NatsMap, where: string) => void,
  ): void {
    const list = block[key];
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      this.problems.push(
        `account '${account}' ${key} is ${describe(list)}, not a list, so it cannot be checked`,
      );
      return;
    }
    list.forEach((entry, i) => {
      const where = `account '${account}' ${key.slice(0, -1)} ${i + 1}`;
      if (isNatsMap(entry)) judge(entry, where);
      else this.problems.push(`${where} is ${describe(entry)}, not a map, so it cannot be checked`);
    });
  }

  private judgeExport(account: string, entry: NatsMap, where: string): void {
    const kind = entry.service !== undefined ? "service" : entry.stream !== undefined ? "stream" : undefined;
    const subject = kind ? entry[kind] : undefined;
    if (kind === undefined || typeof subject !== "string") {
      this.problems.push(`${where} names no stream or service subject it can read, so it cannot be checked`);
      return;
    }
    if (intersectPatterns(subject, JS_API) !== undefined)
      this.problems.push(
        `account '${account}' exports ${kind} '${subject}', inside the JetStream API (${JS_API}): another account would reach its streams and their administration. Fix: do not export the JetStream API`,
      );
  }

  private judgeImport(account: string, entry: NatsMap, where: string): void {
    const kind = isNatsMap(entry.service) ? "service" : isNatsMap(entry.stream) ? "stream" : undefined;
    const source = kind ? (entry[kind] as NatsMap) : undefined;
    const from = source?.account;
    const subject = source?.subject;
    if (kind === undefined || typeof from !== "string" || typeof subject !== "string") {
      this.problems.push(
        `${where} names no { account, subject } it can read (stream ${describe(entry.stream)}, service ${describe(entry.service)}), so it cannot be checked`,
      );
      return;
    }
    if (!this.accountExists(from)) {
      this.problems.push(`${where} imports from account '${from}', which this config does not define`);
      return;
    }
    for (const key of ["to", "prefix"] as const) {
      const value = entry[key];
      if (value !== undefined && typeof value !== "string") {
        this.problems.push(
          `${where} has a ${key} that is ${describe(value)}, so where it lands cannot be checked`,
        );
        return;
      }
    }
    const to = entry.to as string | undefined;
    const prefix = kind === "stream" ? (entry.prefix as string | undefined) : undefined;
    const local = to ?? (prefix ? `${prefix}.${subject}` : subject);
    const label = `account '${account}' imports ${kind} '${subject}' from account '${from}' as '${local}'`;
    if ([subject, destinationPattern(local)].some((s) => intersectPatterns(s, JS_API) !== undefined)) {
      this.problems.push(
        `${label}, inside the JetStream API (${JS_API}): one account would call another's JetStream API, past its own deny list. Fix: do not import the JetStream API`,
      );
      return;
    }
    if (kind === "stream") this.judgeStreamImport(label, from, subject, to, prefix);
    else this.judgeServiceImport(label, account, from, subject, local);
  }

  /** Messages published in `from` on `subject` arrive here renamed: its publishers publish here. */
  private judgeStreamImport(
    label: string,
    from: string,
    subject: string,
    to: string | undefined,
    prefix: string | undefined,
  ): void {
    let source: string[];
    const renamed = (witness: string) => (prefix ? `${prefix}.${witness}` : witness);
    if (to !== undefined) {
      // A renamed stream: any of its subjects may land on a command subject.
      if (overlapsAny(destinationPattern(to), this.guard.forbidden).length === 0) return;
      source = [subject];
    } else if (prefix) {
      const tails = this.guard.forbidden
        .map((f) => afterPrefix(f, prefix))
        .filter((t): t is string => t !== undefined);
      source = tails.flatMap((t) => overlapsAny(subject, [t]));
    } else {
      source = overlapsAny(subject, this.guard.forbidden);
    }
    if (source.length === 0) return;
    const found = this.publisherInto(from, source, to === undefined && !prefix);
    if (!found) return;
    const lands = to ?? renamed(found.witness);
    this.problems.push(
      `${label}: user '${found.user.name}' of account '${from}' may publish '${found.witness}', which arrives as command subject '${lands}'; ${this.only()}. Fix: import it under a subject outside ${this.guard.forbidden.join(", ")}`,
    );
  }

  /** Requests published here on `local` are delivered to `from` on `subject`. */
  private judgeServiceImport(label: string, account: string, from: string, subject: string, local: string) {
    if (overlapsAny(subject, this.guard.forbidden).length === 0) return;
    const exact = local === subject;
    const source = exact ? overlapsAny(subject, this.guard.forbidden) : [destinationPattern(local)];
    const found = this.publisherInto(account, source, exact);
    if (!found) return;
    this.problems.push(
      `${label}: user '${found.user.name}' may publish '${found.witness}', which is delivered to command subject '${exact ? found.witness : subject}' in account '${from}'; ${this.only()}. Fix: do not import command subjects as a service`,
    );
  }

  private judgeMappings(account: string, mappings: NatsValue | undefined): void {
    if (mappings === undefined) return;
    const where = `mappings of account '${account}'`;
    if (!isNatsMap(mappings)) {
      this.problems.push(`${where} is ${describe(mappings)}, not a map, so it cannot be checked`);
      return;
    }
    for (const [source, target] of Object.entries(mappings)) {
      const destinations = Array.isArray(target)
        ? target.map((t) => (isNatsMap(t) ? t.destination : t))
        : [target];
      for (const destination of destinations) {
        if (typeof destination !== "string") {
          this.problems.push(
            `${where}: '${source}' maps to ${describe(destination)}, so it cannot be checked`,
          );
          continue;
        }
        this.judgeMapping(account, source, destination);
      }
    }
  }

  private judgeMapping(account: string, source: string, destination: string): void {
    const pattern = destinationPattern(destination);
    const intoApi = intersectPatterns(pattern, JS_API) !== undefined;
    if (!intoApi && overlapsAny(pattern, this.guard.forbidden).length === 0) return;
    // The parser lower-cases keys, so the source is compared without case: wider, never narrower.
    // The source's own spelling is lost, so a deny pattern counts only if it blocks every spelling:
    // one without letters (a deny of "EVT.Place" does not stop "EVT.place", which the map keys as
    // "evt.place"; subjects are case-sensitive).
    for (const user of this.usersOf(account)) {
      const rights = publishRights(user.permissions);
      const lower = {
        allow: rights.allow.map((s) => s.toLowerCase()),
        deny: rights.deny.filter((s) => s.toLowerCase() === s.toUpperCase()),
      };
      const witness = reachableForbiddenSubject(lower, [source.toLowerCase()], []);
      if (witness === undefined) continue;
      const what = intoApi
        ? `the JetStream API (${JS_API}), past its deny list`
        : `command subject '${destination}'; ${this.only()}`;
      this.problems.push(
        `mapping '${source}' -> '${destination}' in account '${account}': user '${user.name}' may publish '${witness}', which the server rewrites into ${what}. Fix: map only into subjects the user may publish itself`,
      );
      return;
    }
  }
}

/** Every import, export and mapping that renames a subject into the command space or the JetStream API. */
export function accountProblems(root: NatsMap, guard: SubjectGuard): string[] {
  const judge = new AccountJudge(root, guard);
  judge.judgeGlobal();
  if (isNatsMap(root.accounts)) {
    for (const [name, account] of Object.entries(root.accounts)) {
      if (isNatsMap(account)) judge.judgeAccount(name, account);
    }
  }
  return judge.problems;
}
