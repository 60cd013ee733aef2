// Camunda Spin's XML elements, read-only: XML(text), S(xml) and Xml variables, with the
// reading methods of engine/el/spin_xml.py. An element is a node of a tree the engine made
// from the document (engine/runtime/javascript_xml.py): names, attributes, children and text
// are read here. Parsing XML text and evaluating XPath are the engine's (lxml, hardened):
// the script cannot wait for Python, so a run that needs one of those answers asks its
// question and stops, and the engine runs the script again with the answer (`ask`).
const XML_KEY = "__legato_xml__";
let answers = {};  // the engine's answers to this script's questions, by question
let question = null;  // the question this run asked, if any
let documents = new Map();  // the documents of this run, by the engine's id

function startXmlRun(given) {
  answers = given;
  question = null;
  documents = new Map();
}
function endXmlRun() {
  const asked = question;
  startXmlRun({});
  return asked;
}

// Thrown where a run needs an answer it does not have yet; the run is void then.
class NeedsEngine extends Error {}
freezeAll(NeedsEngine);

function ask(request) {
  const key = JSON.stringify(request);
  if (own(answers, key)) {
    const answer = answers[key];
    if (own(answer, "error")) throw new TypeError(answer.error);
    return answer;
  }
  if (question === null) question = [key, request];
  throw new NeedsEngine("the script needs the engine's answer to go on");
}

// An Xml variable, { doc } from the engine: its root element, whose tree the engine sends
// when the script first reads it.
function xmlVariable(marker) {
  return new XmlElement(xmlDocument(marker.doc, null), null);
}
function xmlDocument(id, tree) {
  if (!documents.has(id)) documents.set(id, { id: id, root: tree, nodes: null, parents: null });
  return documents.get(id);
}
function rootOf(doc) {
  if (doc.root === null) doc.root = ask({ kind: "tree", doc: doc.id }).tree;
  return doc.root;
}
// Every element of a document by its number (document order), and its parent's number.
function indexed(doc) {
  if (doc.nodes === null) {
    doc.nodes = [];
    doc.parents = [];
    const walk = (node, parent) => {
      doc.nodes[node.i] = node;
      doc.parents[node.i] = parent;
      for (const child of node.c) if (isElementNode(child)) walk(child, node.i);
    };
    walk(rootOf(doc), -1);
  }
  return doc;
}
const isElementNode = (child) => typeof child === "object" && !own(child, "k");

// XML(text or element): text is parsed by the engine (hardened, as Xml variables are).
function XML(value) {
  if (value instanceof XmlElement) return value;
  if (typeof value !== "string") {
    const kind = value === null ? "null" : typeof value;
    throw new TypeError("XML() takes XML text, not " + kind);
  }
  const parsed = ask({ kind: "parse", text: value });
  return new XmlElement(xmlDocument(parsed.doc, parsed.tree), parsed.tree);
}
define("XML", XML);

const readOnly = (method) => () => {
  throw new TypeError(
    "XML elements are read-only in JavaScript scripts: " + method + " changes nothing here");
};
const noneOr = (value) => (value === null || value === undefined ? "None" : value);
const clark = (namespace, name) => (namespace ? "{" + namespace + "}" + name : name);

class XmlElement {
  #doc;
  #node;
  constructor(doc, node) {
    this.#doc = doc;
    this.#node = node;
  }
  get #live() {
    if (this.#node === null) this.#node = rootOf(this.#doc);
    return this.#node;
  }
  name() { return this.#live.n; }
  namespace() { return this.#live.u; }
  prefix() { return this.#live.p; }
  hasPrefix(prefix) { return this.prefix() === (prefix ?? null); }
  hasNamespace(namespace) { return this.namespace() === (namespace ?? null); }
  attr(name, ...value) {
    if (value.length) return readOnly("attr(name, value)")();
    return this.attrNs(null, name);
  }
  attrNs(namespace, name, ...value) {
    if (value.length) return readOnly("attrNs(namespace, name, value)")();
    const key = clark(namespace, name);
    const found = this.#live.a.find((attribute) => attribute[0] === key);
    if (found === undefined) {
      throw new TypeError("Unable to find attribute with namespace '" + noneOr(namespace) +
        "' and name '" + name + "'");
    }
    return new XmlAttribute(found);
  }
  hasAttr(name) { return this.hasAttrNs(null, name); }
  hasAttrNs(namespace, name) {
    const key = clark(namespace, name);
    return this.#live.a.some((attribute) => attribute[0] === key);
  }
  attrs(...namespace) {
    const found = this.#live.a.map((attribute) => new XmlAttribute(attribute));
    if (!namespace.length) return found;
    return found.filter((attribute) => attribute.namespace() === (namespace[0] ?? null));
  }
  attrNames(...namespace) { return this.attrs(...namespace).map((a) => a.name()); }
  textContent(...text) {
    if (text.length) return readOnly("textContent(text)")();
    const parts = [];
    const walk = (node) => {
      for (const child of node.c) {
        if (typeof child === "string") parts.push(child);
        else if (isElementNode(child)) walk(child);
      }
    };
    walk(this.#live);
    return parts.join("");
  }
  childElement(...name) {
    const [namespace, localName] = this.#nameArguments(name);
    const found = this.childElements(namespace, localName);
    if (found.length > 1) {
      throw new TypeError("More than one child element was found for namespace '" +
        noneOr(namespace) + "' and name '" + localName + "'");
    }
    return found[0];
  }
  childElements(...name) {
    const children = this.#live.c.filter(isElementNode);
    if (!name.length) return children.map((child) => new XmlElement(this.#doc, child));
    const [namespace, localName] = this.#nameArguments(name);
    const found = children
      .filter((child) => child.n === localName && child.u === namespace)
      .map((child) => new XmlElement(this.#doc, child));
    if (!found.length) {
      throw new TypeError("Unable to find child element with namespace '" + noneOr(namespace) +
        "' and name '" + localName + "'");
    }
    return found;
  }
  #nameArguments(name) {
    if (name.length === 1 && name[0] !== null && name[0] !== undefined) {
      return [this.namespace(), String(name[0])];
    }
    if (name.length === 2 && name[1] !== null && name[1] !== undefined) {
      return [name[0] ?? null, String(name[1])];
    }
    throw new TypeError("childElement takes (name) or (namespace, name), not null");
  }
  xPath(expression) {
    const node = this.#live;
    if (String(expression).trim() === "/") {
      throw new TypeError("XPath expression '" + expression + "' not allowed");
    }
    return new XPathQuery(this.#doc, node.i, String(expression));
  }
  toString() {
    const node = this.#live;
    return serialize(indexed(this.#doc), node);
  }
}
for (const method of ["removeAttr", "removeAttrNs", "append", "appendBefore", "appendAfter",
  "remove", "replace", "replaceChild"]) {
  Object.defineProperty(XmlElement.prototype, method, { value: readOnly(method) });
}
freezeAll(XmlElement);

// [key, qualified name, local name, namespace, prefix, value], as the engine sends it.
class XmlAttribute {
  #entry;
  constructor(entry) { this.#entry = entry; }
  name() { return this.#entry[2]; }
  namespace() { return this.#entry[3]; }
  prefix() { return this.#entry[4]; }
  hasPrefix(prefix) { return this.prefix() === (prefix ?? null); }
  hasNamespace(namespace) { return this.namespace() === (namespace ?? null); }
  value() { return this.#entry[5]; }
  toString() { return this.value(); }
}
freezeAll(XmlAttribute);

// Spin's SpinXPathQuery, answered by the engine (lxml) with the element as context node.
class XPathQuery {
  #doc;
  #element;
  #expression;
  #namespaces = {};
  constructor(doc, element, expression) {
    this.#doc = doc;
    this.#element = element;
    this.#expression = expression;
  }
  ns(prefix, namespace) {
    if (isObject(prefix)) {
      this.#namespaces = {};
      for (const [key, uri] of Object.entries(prefix)) this.#namespaces[key] = String(uri);
    } else if (prefix === null || prefix === undefined || namespace == null) {
      throw new TypeError("ns takes a prefix and a namespace, or a map of them");
    } else {
      this.#namespaces[String(prefix)] = String(namespace);
    }
    return this;
  }
  #ask(method) {
    return ask({
      kind: "xpath", doc: this.#doc.id, element: this.#element, expression: this.#expression,
      namespaces: this.#namespaces, method: method,
    });
  }
  #elementAt(number) { return new XmlElement(this.#doc, indexed(this.#doc).nodes[number]); }
  #attributeAt([number, key]) {
    const node = indexed(this.#doc).nodes[number];
    return new XmlAttribute(node.a.find((attribute) => attribute[0] === key));
  }
  element() { return this.#elementAt(this.#ask("element").found); }
  elementList() { return this.#ask("elementList").found.map((n) => this.#elementAt(n)); }
  attribute() { return this.#attributeAt(this.#ask("attribute").found); }
  attributeList() { return this.#ask("attributeList").found.map((a) => this.#attributeAt(a)); }
  string() { return this.#ask("string").found; }
  number() {
    const found = this.#ask("number").found;
    return typeof found === "number" ? found : Number(found);  // "NaN", "Infinity"
  }
  bool() { return this.#ask("bool").found; }
}
freezeAll(XPathQuery);

// An element as lxml writes it on its own: its own namespace declarations, then those it
// and its attributes use, then those in scope from its ancestors (innermost first).
function serialize(doc, node) {
  const declared = node.d.slice();
  const add = (prefix, uri) => {
    if (uri === null || prefix === "xml" || declared.some(([p]) => p === prefix)) return;
    declared.push([prefix, uri]);
  };
  add(node.p, node.u);
  for (const attribute of node.a) add(attribute[4], attribute[3]);
  for (let at = doc.parents[node.i]; at >= 0; at = doc.parents[at]) {
    for (const [prefix, uri] of doc.nodes[at].d) add(prefix, uri);
  }
  const parts = [];
  write(node, declared, parts);
  return parts.join("");
}
function write(node, declared, parts) {
  parts.push("<", node.q);
  for (const [prefix, uri] of declared) {
    parts.push(prefix === null ? " xmlns" : " xmlns:" + prefix, '="', escapeAttribute(uri), '"');
  }
  for (const attribute of node.a) {
    parts.push(" ", attribute[1], '="', escapeAttribute(attribute[5]), '"');
  }
  if (!node.c.length) {
    parts.push("/>");
    return;
  }
  parts.push(">");
  for (const child of node.c) {
    if (typeof child === "string") parts.push(escapeText(child));
    else if (child.k === "comment") parts.push("<!--", child.t, "-->");
    else if (child.k === "pi") parts.push("<?", child.q, child.t ? " " + child.t : "", "?>");
    else write(child, child.d, parts);
  }
  parts.push("</", node.q, ">");
}
const TEXT_ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
const ATTRIBUTE_ESCAPES = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
  "\t": "&#9;",
};
const escapeText = (text) => text.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]);
const escapeAttribute = (text) => text.replace(/[&<>"\n\r\t]/g, (c) => ATTRIBUTE_ESCAPES[c]);
