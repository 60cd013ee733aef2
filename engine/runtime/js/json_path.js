// JSON paths as engine/el/json_path.py reads them (Jayway's syntax, as Spin's jsonPath):
// `$`, `.name`, `['name']`, `['a','b']`, `[index]`, `[0,2]`, `[1:3]`, `[*]`, `.*`, `..name`,
// `..*` and filters `[?(...)]` with `== != < <= > >= =~ in nin size empty && || !`.
// A port of the Python module, step for step, so that a path finds the same nodes in a
// script as in an expression; tests/engine/json_path_cases.json holds the cases both pass.
const PATH_TOKEN = new RegExp(
  "\\s*(?:(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)" +
  "|'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\"" +
  "|/((?:[^/\\\\]|\\\\.)*)/([a-z]*)" +
  "|(\\.\\.|==|!=|<=|>=|=~|&&|\\|\\||[<>!@$.\\[\\](),:*?])" +
  "|([A-Za-z_][\\p{L}\\p{N}_-]*))",
  "uy",
);
const TOKEN_KINDS = ["number", "squote", "dquote", "regex", "flags", "op", "word"];
const ABSENT = Symbol("absent");
const pathCache = new Map();

function findJsonPath(value, path) {
  let steps = pathCache.get(path);
  if (steps === undefined) {
    steps = compilePath(path);
    if (pathCache.size >= 256) pathCache.clear();
    pathCache.set(path, steps);
  }
  let found = [value];
  for (const step of steps) found = found.flatMap((node) => step(node, value));
  return found;
}

function compilePath(path) {
  const parser = new PathParser(path);
  if (parser.take("$") === null) {
    throw new TypeError("Invalid JSON path '" + path + "': it must start with $");
  }
  return Object.freeze(parser.steps(false));
}

class PathParser {
  constructor(path) {
    this.path = path;
    this.tokens = [];
    const text = path.trimEnd();
    let position = 0;
    while (position < text.length) {
      PATH_TOKEN.lastIndex = position;
      const match = PATH_TOKEN.exec(text);
      if (match === null) throw this.error(position);
      const group = TOKEN_KINDS.findIndex((kind, at) => match[at + 1] !== undefined);
      const kind = TOKEN_KINDS[group] === "flags" ? "regex" : TOKEN_KINDS[group];
      const lead = match[0].length - match[0].trimStart().length;
      const quoted = kind === "squote" || kind === "dquote" || kind === "regex";
      this.tokens.push({
        kind: kind,
        text: match[TOKEN_KINDS.indexOf(kind) + 1],
        flags: match[5] || "",
        start: match.index + lead + (quoted ? 1 : 0),
      });
      position = match.index + match[0].length;
    }
    this.index = 0;
  }

  error(position) {
    if (position === undefined) {
      position = this.index < this.tokens.length ? this.tokens[this.index].start : this.path.length;
    }
    return new TypeError("Invalid JSON path '" + this.path + "' at position " + (position + 1));
  }
  peek() { return this.index < this.tokens.length ? this.tokens[this.index] : null; }
  take(op) {
    const token = this.peek();
    if (token !== null && token.kind === "op" && token.text === op) {
      this.index += 1;
      return op;
    }
    return null;
  }
  expect(op) { if (this.take(op) === null) throw this.error(); }
  next() {
    if (this.index >= this.tokens.length) throw this.error();
    return this.tokens[this.index++];
  }

  steps(inFilter) {
    const steps = [];
    while (this.peek() !== null) {
      if (this.take("..")) steps.push(deepStep(this.member(true)));
      else if (this.take(".")) steps.push(this.member(false));
      else if (this.take("[")) steps.push(this.bracket());
      else if (inFilter) break;  // the operand's path ends where an operator begins
      else throw this.error();
    }
    return steps;
  }
  member(deep) {
    if (this.take("*")) return childrenStep;
    if (deep && this.take("[")) return this.bracket();
    const token = this.next();
    if (token.kind !== "word") throw this.error();
    return namesStep([token.text]);
  }
  bracket() {
    if (this.take("*")) {
      this.expect("]");
      return childrenStep;
    }
    if (this.take("?")) {
      this.expect("(");
      const predicate = this.predicate();
      this.expect(")");
      this.expect("]");
      return filterStep(predicate);
    }
    const token = this.peek();
    if (token !== null && (token.kind === "squote" || token.kind === "dquote")) {
      const names = [this.literal()];
      while (this.take(",")) names.push(this.literal());
      this.expect("]");
      return namesStep(names.map(String));
    }
    return this.indexes();
  }
  indexes() {
    const start = this.integer();
    if (this.take(":")) {
      const end = this.integer();
      this.expect("]");
      return sliceStep(start, end);
    }
    if (start === null) throw this.error();
    const chosen = [start];
    while (this.take(",")) {
      const following = this.integer();
      if (following === null) throw this.error();
      chosen.push(following);
    }
    this.expect("]");
    return indexesStep(chosen);
  }
  integer() {
    const token = this.peek();
    if (token === null || token.kind !== "number") return null;
    if (!/^-?\d+$/.test(token.text)) throw this.error();
    this.index += 1;
    return Number(token.text);
  }

  predicate() {
    let left = this.conjunction();
    while (this.take("||")) {
      const first = left, second = this.conjunction();
      left = (e, d) => truth(first(e, d)) || truth(second(e, d));
    }
    return left;
  }
  conjunction() {
    let left = this.negation();
    while (this.take("&&")) {
      const first = left, second = this.negation();
      left = (e, d) => truth(first(e, d)) && truth(second(e, d));
    }
    return left;
  }
  negation() {
    if (this.take("!")) {
      const inner = this.negation();
      return (e, d) => !truth(inner(e, d));
    }
    if (this.take("(")) {
      const inner = this.predicate();
      this.expect(")");
      return inner;
    }
    return this.comparison();
  }
  comparison() {
    const left = this.operand();
    const token = this.peek();
    if (token === null) return exists(left);
    if (token.kind === "op" && own(COMPARISONS, token.text)) {
      this.index += 1;
      return compare(COMPARISONS[token.text], left, this.operand());
    }
    if (token.kind === "op" && token.text === "=~") {
      this.index += 1;
      const pattern = this.regex();
      return (e, d) => {
        const value = left(e, d);
        return typeof value === "string" && pattern.test(value);
      };
    }
    if (token.kind === "word" && own(WORD_TESTS, token.text)) {
      this.index += 1;
      return compare(WORD_TESTS[token.text], left, this.operand());
    }
    return exists(left);
  }
  regex() {
    const token = this.next();
    if (token.kind !== "regex") throw this.error();
    try {
      return new RegExp(token.text, token.flags.includes("i") ? "i" : "");
    } catch (error) {
      throw this.error(token.start);
    }
  }
  operand() {
    if (this.take("@")) return relative(this.steps(true), false);
    if (this.take("$")) return relative(this.steps(true), true);
    if (this.take("[")) {
      const items = [];
      if (!this.take("]")) {
        items.push(this.literal());
        while (this.take(",")) items.push(this.literal());
        this.expect("]");
      }
      return () => items;
    }
    const value = this.literal();
    return () => value;
  }
  literal() {
    const token = this.next();
    if (token.kind === "number") return Number(token.text);
    if (token.kind === "squote" || token.kind === "dquote") {
      return token.text.replace(/\\(.)/g, "$1");
    }
    if (token.kind === "word" && own(WORDS, token.text)) return WORDS[token.text];
    throw this.error();
  }
}
freezeAll(PathParser);

const WORDS = Object.freeze({ true: true, false: false, null: null });

function relative(steps, root) {
  return (element, document) => {
    let found = [root ? document : element];
    for (const step of steps) found = found.flatMap((node) => step(node, document));
    if (found.length === 0) return ABSENT;
    return found.length === 1 ? found[0] : found;
  };
}
const exists = (operand) => (e, d) => operand(e, d) !== ABSENT;
const truth = (value) => value !== ABSENT && value !== false && value !== null;
const compare = (test, left, right) => (e, d) => test(left(e, d), right(e, d));
const isNumber = (value) => typeof value === "number";
const sizeOf = (value) => (typeof value === "string" ? [...value].length : value.length);

// Python's truth of a value (`empty`'s operand): empty text, lists, objects, 0 are false.
function pythonTruth(value) {
  if (value === ABSENT || value === true) return true;
  if (value === null || value === false) return false;
  if (isNumber(value)) return value !== 0;
  if (typeof value === "string" || Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}
// Python's `==` inside lists and objects: numbers (and booleans) by value.
function pythonEqual(left, right) {
  const number = (v) => (typeof v === "boolean" ? Number(v) : v);
  if (typeof number(left) === "number" && typeof number(right) === "number") {
    return number(left) === number(right);
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && left.length === right.length &&
      left.every((item, at) => pythonEqual(item, right[at]));
  }
  if (isObject(left) && isObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length &&
      keys.every((key) => own(right, key) && pythonEqual(left[key], right[key]));
  }
  return left === right;
}
function equal(left, right) {
  if (left === ABSENT || right === ABSENT) return false;
  if (typeof left !== typeof right || Array.isArray(left) !== Array.isArray(right)) return false;
  return pythonEqual(left, right);
}
const ordered = (test) => (left, right) => {
  if (isNumber(left) && isNumber(right)) return test(left, right);
  if (typeof left === "string" && typeof right === "string") return test(left, right);
  return false;
};
const member = (left, right) => Array.isArray(right) && right.some((item) => equal(left, item));

const COMPARISONS = Object.freeze({
  "==": equal,
  "!=": (left, right) => !equal(left, right),
  "<": ordered((a, b) => a < b),
  "<=": ordered((a, b) => a <= b),
  ">": ordered((a, b) => a > b),
  ">=": ordered((a, b) => a >= b),
});
const WORD_TESTS = Object.freeze({
  in: member,
  nin: (left, right) => Array.isArray(right) && !member(left, right),
  size: (left, right) =>
    (Array.isArray(left) || typeof left === "string") && isNumber(right) &&
    sizeOf(left) === right,
  empty: (left, right) =>
    (Array.isArray(left) || typeof left === "string" || isObject(left)) &&
    (sizeOf(isObject(left) ? Object.keys(left) : left) === 0) === pythonTruth(right),
});

// -- steps: (node, document) -> the nodes found ---------------------------------------------

function childrenStep(node) {
  if (Array.isArray(node)) return node.slice();
  return isObject(node) ? Object.values(node) : [];
}
const namesStep = (names) => (node) => {
  if (!isObject(node)) return [];
  const present = names.filter((name) => own(node, name));
  if (names.length > 1) {  // Jayway answers several properties as one object of them
    return present.length ? [Object.fromEntries(present.map((name) => [name, node[name]]))] : [];
  }
  return present.map((name) => node[name]);
};
const indexesStep = (chosen) => (node) => {
  if (!Array.isArray(node)) return [];
  const length = node.length;
  return chosen
    .filter((index) => -length <= index && index < length)
    .map((index) => node[index < 0 ? length + index : index]);
};
const sliceStep = (start, end) => (node) =>
  Array.isArray(node) ? node.slice(start ?? undefined, end ?? undefined) : [];
const filterStep = (predicate) => (node, document) => {
  if (Array.isArray(node)) return node.filter((item) => truth(predicate(item, document)));
  return isObject(node) && truth(predicate(node, document)) ? [node] : [];
};
// `..x`: `x` applied to the node and to every node below it, in document order.
const deepStep = (step) => (node, document) => {
  const found = [];
  const stack = [node];
  while (stack.length) {
    const current = stack.pop();
    for (const item of step(current, document)) found.push(item);
    const children = childrenStep(current);
    for (let at = children.length - 1; at >= 0; at -= 1) {
      if (children[at] !== null && typeof children[at] === "object") stack.push(children[at]);
    }
  }
  return found;
};
