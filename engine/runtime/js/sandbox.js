// The sandbox around every script: frozen built-ins, the script's globals (its variables,
// `execution`, `task`, `print`), its writes recorded for the engine to replay, and the globals
// it adds deleted when it ends. engine/runtime/javascript.py wraps the files of this folder
// in one function, this one first; the others add Spin (spin_json.js, json_path.js,
// spin_xml.js) and the Java collections (java.js).
const g = globalThis;
const DATE = "__legato_date__";
for (const name of Object.getOwnPropertyNames(g)) {
  const value = g[name];
  if (value === g || value === null) continue;
  if (typeof value !== "object" && typeof value !== "function") continue;
  Object.freeze(value);
  if (typeof value === "function" && value.prototype) Object.freeze(value.prototype);
}
const builtins = new Set(Object.getOwnPropertyNames(g));
builtins.add("__legato_run");
builtins.add("__legato_check");
builtins.add("__legato_cleanup");
const prototype = Object.getPrototypeOf(g);
let dirty = false;
const own = (object, name) => Object.prototype.hasOwnProperty.call(object, name);
// What the prelude makes lives as long as the context: frozen with everything reachable from
// it (methods, prototypes, static members), so that no script leaves a mark on it.
function freezeAll(value, seen = new Set()) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  Object.freeze(value);
  for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
    for (const part of [descriptor.value, descriptor.get, descriptor.set]) freezeAll(part, seen);
  }
  return value;
}
// A global the prelude adds (S, XML, Java, ...): fixed, and never deleted after a script.
const define = (name, value) => {
  Object.defineProperty(g, name, { value: freezeAll(value) });
  builtins.add(name);
};

function revive(key, value) {
  if (value && typeof value === "object") {
    if (typeof value[DATE] === "string") return new Date(value[DATE]);
    if (own(value, XML_KEY)) return xmlVariable(value[XML_KEY]);
  }
  return value;
}
function replace(key, value) {
  const original = this[key];
  if (original instanceof Date) return { [DATE]: original.toISOString() };
  if (original instanceof XmlElement) return { [XML_KEY]: original.toString() };
  return value;
}

function facade(name, spec, shared, ops) {
  const locals = spec.locals;
  const object = Object.assign({}, spec.properties);
  for (const property of spec.variableProperties) {
    Object.defineProperty(object, property, { get: () => Object.assign({}, shared) });
  }
  const record = (method, args) => ops.push([name, method, args]);
  const kinds = {
    value: (method) => () => spec.values[method],
    getVariable: () => (n) => (own(shared, n) ? shared[n] : null),
    getVariableLocal: () => (n) => (own(locals, n) ? locals[n] : null),
    hasVariable: () => (n) => own(shared, n),
    getVariables: () => () => Object.assign({}, shared),
    setVariable: (method) => (n, v) => { shared[n] = v; record(method, [n, v]); },
    setVariableLocal: (method) => (n, v) => {
      shared[n] = v; locals[n] = v; record(method, [n, v]);
    },
    removeVariable: (method) => (n) => {
      delete shared[n]; delete locals[n]; record(method, [n]);
    },
    call: (method) => (...args) => {
      record(method, args);
      // A setter changes what its getter and property answer from now on.
      if (method.startsWith("set") && args.length === 1) {
        const rest = method.slice(3);
        const property = rest.charAt(0).toLowerCase() + rest.slice(1);
        if (own(object, property)) object[property] = args[0];
        if (own(spec.values, "get" + rest)) spec.values["get" + rest] = args[0];
      }
    },
  };
  for (const [method, kind] of Object.entries(spec.methods)) {
    object[method] = kinds[kind](method);
  }
  return object;
}

const printer = (ops) => (...args) => { ops.push(["", "print", [args.map(String).join(" ")]]); };

// One run of a script. `answers` are the engine's answers to the questions earlier runs of
// it asked (spin_xml.js); a run that asks a new one is discarded and run again with it.
function run(input, source, answers) {
  startXmlRun(JSON.parse(answers));
  const data = JSON.parse(input, revive);
  const shared = data.variables;
  for (const name of Object.keys(shared)) withNodeMethods(shared[name]);
  const ops = [];
  const bind = (name, value) => {
    if (!builtins.has(name)) g[name] = value;
  };
  for (const name of Object.keys(shared)) bind(name, shared[name]);
  for (const [name, spec] of Object.entries(data.objects)) {
    bind(name, facade(name, spec, shared, ops));
  }
  bind("print", printer(ops));
  bind("console", { log: printer(ops), info: printer(ops), warn: printer(ops) });
  let payload;
  try {
    let result = (0, eval)(source);
    if (result === undefined || typeof result === "function" || typeof result === "symbol") {
      result = null;
    }
    // Inside the try: writing an Xml variable out may need its tree (a question) too.
    payload = JSON.stringify({ result: result, ops: ops }, replace);
  } finally {
    cleanup();
    const question = endXmlRun();
    // Whatever the run did after its question (an error too) is void: it is run again.
    if (question !== null) return JSON.stringify({ question: question, dirty: dirty });
  }
  return JSON.stringify({ payload: payload, dirty: dirty });
}
// Delete what the last script added; true when the global object is as it was.
function cleanup() {
  for (const name of Object.getOwnPropertyNames(g)) {
    if (builtins.has(name)) continue;
    try {
      delete g[name];
    } catch (error) {
      dirty = true;  // the script made it non-configurable
    }
  }
  if (Object.getPrototypeOf(g) !== prototype) dirty = true;
  return !dirty;
}
function check(source) {
  try {
    new Function(source);
    return null;
  } catch (error) {
    return String(error);
  }
}
define("__legato_run", run);
define("__legato_cleanup", cleanup);
define("__legato_check", check);
