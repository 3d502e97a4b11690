/**
 * The globals transformers gives every chat template (`_compile_jinja_template`), plus Jinja's
 * own. They are declared by rollcall rather than by @huggingface/jinja's `Template.render`, which
 * declares its own `raise_exception` and refuses a second one: rollcall's raises a registry error
 * carrying the template's message, so a deliberate refusal ("roles must alternate") can be told
 * apart from a template that broke.
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function dayOfYear(date: Date): number {
  return Math.round((Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) - Date.UTC(date.getFullYear(), 0, 1)) / 86_400_000) + 1;
}

/**
 * Python's `datetime.now().strftime(format)` in the C locale (what an engine's server runs
 * with), for the directives chat templates use, e.g. Llama 3's "%d %b %Y". glibc's `%-d` (no
 * padding) is accepted too; other directives are kept as written, as Python does.
 */
export function strftime(date: Date, format: string): string {
  const hour12 = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  const fields: Record<string, string> = {
    a: (DAYS[date.getDay()] ?? '').slice(0, 3),
    A: DAYS[date.getDay()] ?? '',
    b: (MONTHS[date.getMonth()] ?? '').slice(0, 3),
    B: MONTHS[date.getMonth()] ?? '',
    d: pad(date.getDate()),
    H: pad(date.getHours()),
    I: pad(hour12),
    j: pad(dayOfYear(date), 3),
    m: pad(date.getMonth() + 1),
    M: pad(date.getMinutes()),
    p: date.getHours() < 12 ? 'AM' : 'PM',
    S: pad(date.getSeconds()),
    y: pad(date.getFullYear() % 100),
    Y: String(date.getFullYear()),
    '%': '%',
  };
  return format.replace(/%(-?)([a-zA-Z%])/g, (whole, unpadded: string, directive: string) => {
    const value = fields[directive];
    if (value === undefined) return whole;
    return unpadded === '-' ? value.replace(/^0+(?=\d)/, '') : value;
  });
}

/** Python's `range(stop)` / `range(start, stop[, step])`. */
export function range(start: number, stop?: number, step = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new Error('range() arg 3 must not be zero');
  const values: number[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) values.push(i);
  return values;
}

/** Every global a template sees; `raiseException` throws whatever the caller wants raised. */
export function templateGlobals(raiseException: (message: string) => never): Record<string, unknown> {
  return {
    true: true,
    false: false,
    none: null,
    True: true,
    False: false,
    None: null,
    range,
    strftime_now: (format: string) => strftime(new Date(), format),
    raise_exception: (message: unknown) => raiseException(String(message)),
  };
}
