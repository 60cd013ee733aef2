// Camunda Spin's JSON nodes: S(text or value), and the node methods on Json variables.
function Spin(json) {
  Object.defineProperty(this, "json", { value: json });
}
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const scalar = (node, test, what) => {
  if (!test(node.json)) throw new TypeError("The node " + node + " is not " + what);
  return node.json;
};
// A value as a node holds it (a node's own value), and where an array holds it.
const plain = (value) => (value instanceof Spin ? value.json : value);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const array = (node, method) => {
  if (Array.isArray(node.json)) return node.json;
  throw new TypeError("Unable to " + method + ": the node is not an array");
};
const missing = (value) => new TypeError(
  "Unable to find " + JSON.stringify(plain(value)) + " in the array");
const position = (node, search) => {
  const at = array(node, "find").findIndex((item) => same(item, plain(search)));
  if (at < 0) throw missing(search);
  return at;
};
const within = (items, index, extra) => {
  const at = index < 0 ? items.length + index : index;
  if (at < 0 || at >= items.length + extra) {
    throw new TypeError("Index " + index + " is out of bounds for " + items.length + " elements");
  }
  return at;
};
Spin.prototype = {
  prop(name, ...value) {
    if (!isObject(this.json)) throw new TypeError("The node is not an object");
    if (value.length) {
      this.json[name] = plain(value[0]);
      return this;
    }
    if (!own(this.json, name)) throw new TypeError("Unable to find property '" + name + "'");
    return new Spin(this.json[name]);
  },
  deleteProp(names) {
    if (!isObject(this.json)) throw new TypeError("The node is not an object");
    for (const name of Array.isArray(names) ? names : [names]) {
      if (!own(this.json, name)) throw new TypeError("Unable to find property '" + name + "'");
      delete this.json[name];
    }
    return this;
  },
  append(value) { array(this, "append").push(plain(value)); return this; },
  insertAt(index, value) {
    const items = array(this, "insertAt");
    items.splice(within(items, index, 1), 0, plain(value));
    return this;
  },
  insertBefore(search, value) { return this.insertAt(position(this, search), value); },
  insertAfter(search, value) { return this.insertAt(position(this, search) + 1, value); },
  remove(value) { return this.removeAt(position(this, value)); },
  removeLast(value) {
    const items = array(this, "removeLast");
    const at = items.map((item) => same(item, plain(value))).lastIndexOf(true);
    if (at < 0) throw missing(value);
    return this.removeAt(at);
  },
  removeAt(index) {
    const items = array(this, "removeAt");
    items.splice(within(items, index, 0), 1);
    return this;
  },
  indexOf(value) { return array(this, "indexOf").findIndex((item) => same(item, plain(value))); },
  lastIndexOf(value) {
    return array(this, "lastIndexOf").map((item) => same(item, plain(value))).lastIndexOf(true);
  },
  contains(value) { return this.indexOf(value) >= 0; },
  hasProp(name) { return isObject(this.json) && own(this.json, name); },
  fieldNames() { return isObject(this.json) ? Object.keys(this.json) : []; },
  elements() {
    if (!Array.isArray(this.json)) throw new TypeError("The node is not an array");
    return this.json.map((item) => new Spin(item));
  },
  stringValue() { return scalar(this, (v) => typeof v === "string", "a string"); },
  numberValue() { return scalar(this, (v) => typeof v === "number", "a number"); },
  boolValue() { return scalar(this, (v) => typeof v === "boolean", "a boolean"); },
  isObject() { return isObject(this.json); },
  isArray() { return Array.isArray(this.json); },
  isString() { return typeof this.json === "string"; },
  isNumber() { return typeof this.json === "number"; },
  isBoolean() { return typeof this.json === "boolean"; },
  isNull() { return this.json === null; },
  isValue() { return this.json === null || typeof this.json !== "object"; },
  value() { return this.json; },
  toString() { return JSON.stringify(this.json); },
  toJSON() { return this.json; },
  jsonPath(path) { return jsonPath(this.json, path); },
  mapTo(type) { return mapTo(this.json, type); },  // spin_mapping.js
};
freezeAll(Spin.prototype);
// Spin's SpinJsonPathQuery: what the path found (json_path.js), as nodes.
function jsonPath(json, path) {
  const found = findJsonPath(json, String(path));
  const one = () => {
    if (found.length !== 1) {
      const count = found.length;
      throw new TypeError("JSON path '" + path + "' found " + count + " elements, not one");
    }
    return new Spin(found[0]);
  };
  return {
    element: one,
    elementList: () => found.map((value) => new Spin(value)),
    stringValue: () => one().stringValue(),
    numberValue: () => one().numberValue(),
    boolValue: () => one().boolValue(),
  };
}
// S(...): a node as it is; XML text (starting with "<") or an Xml variable as an XML
// element (spin_xml.js); other text parsed as JSON; any other value as a JSON node.
const S = (value) => {
  if (value instanceof Spin || value instanceof XmlElement) return value;
  if (typeof value === "string" && value.trimStart().startsWith("<")) return XML(value);
  return new Spin(typeof value === "string" ? JSON.parse(value) : value);
};
define("S", S);
// JSON(...): Spin's JSON node of text or a value, as in Camunda's script environment; unlike
// there, JSON.parse and JSON.stringify keep working.
const nativeJSON = JSON;
const SpinJSON = function JSON(value) {
  if (value instanceof Spin) return value;
  return new Spin(typeof value === "string" ? nativeJSON.parse(value) : value);
};
SpinJSON.parse = nativeJSON.parse;
SpinJSON.stringify = nativeJSON.stringify;
define("JSON", SpinJSON);

function withNodeMethods(value) {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date || value instanceof XmlElement) return value;
  const names = ["prop", "hasProp", "fieldNames", "elements", "isObject", "isArray", "jsonPath",
    "mapTo"];
  for (const name of names) {
    if (own(value, name)) continue;
    const method = Spin.prototype[name];
    Object.defineProperty(value, name, {
      value: function (...args) { return method.apply(new Spin(this), args); },
      configurable: true,
      writable: true,
    });
  }
  return value;
}

