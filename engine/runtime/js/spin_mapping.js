// Spin's mapTo(type) on a JSON node, as engine/el/spin_mapping.py does it for expressions and
// Groovy: a copy of the value as the Java type named (Jackson's canonical form, generics
// included) would hold it, for java.util collections and maps and the boxed scalars.
const MAP_LISTS = ["java.util.List", "java.util.ArrayList", "java.util.LinkedList",
  "java.util.Collection", "java.util.Set", "java.util.HashSet", "java.util.LinkedHashSet",
  "java.lang.Iterable"];
const MAP_MAPS = ["java.util.Map", "java.util.HashMap", "java.util.LinkedHashMap",
  "java.util.TreeMap"];
const MAP_WHOLE = { "java.lang.Integer": 32, "java.lang.Long": 64, "java.lang.Short": 16 };
const MAP_DECIMAL = ["java.lang.Double", "java.lang.Float", "java.math.BigDecimal"];

function mapKind(value) {
  if (typeof value === "boolean") return "a boolean";
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  return typeof value === "string" ? "a string" : "a number";
}

function mapMismatch(typeName, value) {
  return new TypeError(
    "Unable to map the JSON node to '" + typeName + "': it is " + mapKind(value));
}

// The raw class and its type arguments, nesting kept.
function mapParse(typeName) {
  if (typeof typeName !== "string") {
    throw new TypeError("mapTo takes the Java type's name as a String");
  }
  const match = /^\s*([\w.$]+)\s*(?:<(.*)>)?\s*$/.exec(typeName);
  if (match === null) {
    throw new TypeError("Unable to map to '" + typeName + "': not a Java type name");
  }
  const args = [];
  if (match[2]) {
    let depth = 0;
    let start = 0;
    const inner = match[2];
    for (let i = 0; i < inner.length; i++) {
      if (inner[i] === "<") depth++;
      else if (inner[i] === ">") depth--;
      else if (inner[i] === "," && depth === 0) {
        args.push(inner.slice(start, i).trim());
        start = i + 1;
      }
    }
    args.push(inner.slice(start).trim());
  }
  return [match[1], args];
}

function mapTo(value, typeName) {
  const [raw, args] = mapParse(typeName);
  if (raw === "java.lang.Object") return JSON.parse(JSON.stringify(value));
  if (value === null) return null;  // JSON null is null for any reference type
  if (MAP_LISTS.includes(raw)) {
    if (!Array.isArray(value)) throw mapMismatch(typeName, value);
    const items = value.map((item) => mapTo(item, args[0] || "java.lang.Object"));
    if (!raw.endsWith("Set")) return items;
    return items.filter((item, at) =>
      items.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) === at);
  }
  if (MAP_MAPS.includes(raw)) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw mapMismatch(typeName, value);
    }
    const itemType = args.length === 2 ? args[1] : "java.lang.Object";
    const keys = raw === "java.util.TreeMap" ? Object.keys(value).sort() : Object.keys(value);
    const mapped = {};
    for (const key of keys) mapped[key] = mapTo(value[key], itemType);
    return mapped;
  }
  return mapScalar(raw, typeName, value);
}

function mapScalar(raw, typeName, value) {
  if (raw === "java.lang.String") {
    if (value !== null && typeof value === "object") throw mapMismatch(typeName, value);
    return String(value);
  }
  if (raw === "java.lang.Boolean") {
    if (typeof value !== "boolean") throw mapMismatch(typeName, value);
    return value;
  }
  if (own(MAP_WHOLE, raw)) {
    if (typeof value !== "number") throw mapMismatch(typeName, value);
    const whole = Math.trunc(value);
    const bound = 2 ** (MAP_WHOLE[raw] - 1);
    if (whole < -bound || whole >= bound) {
      throw new TypeError(
        "Unable to map the JSON number " + value + " to " + typeName + ": out of its range");
    }
    return whole;
  }
  if (MAP_DECIMAL.includes(raw)) {
    if (typeof value !== "number") throw mapMismatch(typeName, value);
    return value;
  }
  throw new TypeError(
    "Unable to map the JSON node to '" + typeName + "': Legato runs no Java classes, so a " +
    "model maps JSON only to java.util collections and maps, java.lang.String, Integer, " +
    "Long, Short, Double, Float, Boolean or Object; read other shapes with prop() and " +
    "elements(), or keep the node as a Json variable");
}
