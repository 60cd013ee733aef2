// The Java collections Camunda scripts build (`new java.util.ArrayList()`,
// `Java.type("java.util.HashMap")`): a JS array or object with the Java methods, stored as
// Json like any array or object. No other Java class exists here.
const hidden = (target, methods) => {
  for (const [name, method] of Object.entries(methods)) {
    Object.defineProperty(target, name, { value: method, configurable: true, writable: true });
  }
  return target;
};
function JavaList(items) {
  return hidden(Array.from(items || []), {
    add(item) { this.push(item); return true; },
    get(index) { return this[index]; },
    size() { return this.length; },
    isEmpty() { return this.length === 0; },
    contains(item) { return this.includes(item); },
    remove(index) { return this.splice(index, 1)[0]; },
    addAll(items) { for (const item of items) this.push(item); return true; },
  });
}
function JavaMap() {
  return hidden({}, {
    put(key, value) {
      const old = this.get(key);
      this[key] = value;
      return old;
    },
    get(key) { return own(this, key) ? this[key] : null; },
    containsKey(key) { return own(this, key); },
    remove(key) { const old = this.get(key); delete this[key]; return old; },
    size() { return Object.keys(this).length; },
    isEmpty() { return Object.keys(this).length === 0; },
    keySet() { return JavaList(Object.keys(this)); },
    values() { return JavaList(Object.values(this)); },
  });
}
const javaClasses = {
  "java.util.ArrayList": JavaList, "java.util.LinkedList": JavaList, "java.util.List": JavaList,
  "java.util.HashMap": JavaMap, "java.util.LinkedHashMap": JavaMap, "java.util.Map": JavaMap,
};
const Java = Object.freeze({
  type(name) {
    const found = javaClasses[name];
    if (found === undefined) throw new TypeError("Java class " + name + " is not available");
    return found;
  },
});
const java = Object.freeze({ util: Object.freeze({
  ArrayList: JavaList, LinkedList: JavaList, HashMap: JavaMap, LinkedHashMap: JavaMap,
}) });
define("Java", Java);
define("java", java);
