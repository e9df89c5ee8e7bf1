// The document body's rich-text editor: django-prose-editor's Tiptap/ProseMirror bundle on
// every textarea marked data-gk-body-editor. Without JavaScript the textarea stays.
//
// Under the site's Content Security Policy: the bundle is imported by its path (no inline
// import map) and Tiptap does not inject its <style> element (injectCSS: false; the same
// rules are in body-editor.css).
//
// Pasting from Word or WPS keeps headings, lists and tables and drops the rest: Word's list
// paragraphs (mso-list) become real lists, its markup (<o:p>, classes, mso- styles, list
// markers, comments) goes, and ProseMirror's schema keeps only what the body may hold. The
// server sanitises the saved body again (gongkai.lib.html.sanitize_html).
import {
  Blockquote, Bold, BulletList, Document, Dropcursor, Editor, Extension, Gapcursor, HTML,
  HardBreak, Heading, History, HorizontalRule, Image, Italic, Link, ListItem, Menu,
  OrderedList, Paragraph, Subscript, Superscript, Table, TableCell, TableHeader, TableRow,
  Text, Underline, crel,
} from "../../django_prose_editor/editor.js";

// Block styles a body keeps (alignment and first-line indent of 公文 paragraphs, table
// widths); the server filters the properties again.
const KEPT_STYLE = /^(text-align|text-indent|width|border|border-(top|bottom|left|right|collapse)|vertical-align)$/i;

function keptStyle(style) {
  return (style || "").split(";").map((part) => part.trim()).filter((part) => {
    const name = part.split(":")[0].trim();
    return KEPT_STYLE.test(name) && !/mso-|expression|url\(/i.test(part);
  }).join("; ");
}

// The style attribute of paragraphs, headings and cells survives editing, so opening an
// imported document and saving it does not lose its alignment.
const BlockStyle = Extension.create({
  name: "gkBlockStyle",
  addGlobalAttributes() {
    return [{
      types: ["paragraph", "heading", "tableCell", "tableHeader"],
      attributes: {
        style: {
          default: null,
          parseHTML: (element) => keptStyle(element.getAttribute("style")) || null,
          renderHTML: (attributes) => (attributes.style ? { style: attributes.style } : {}),
        },
      },
    }];
  },
});

const ORDERED_MARKER = /^\s*([(（]?[0-9０-９一二三四五六七八九十百]+[)）.．、]|[(（][0-9０-９一二三四五六七八九十]+[)）]|[a-zA-Z][.)）]|[ivxIVX]+[.)])/;

function isOffice(html) {
  return /urn:schemas-microsoft-com|mso-|class="?Mso|<o:p/i.test(html);
}

function listInfo(paragraph) {
  const style = paragraph.getAttribute("style") || "";
  const match = /mso-list:\s*(l\d+)\s+level(\d+)/i.exec(style);
  if (!match && !/^MsoListParagraph/i.test(paragraph.className)) return null;
  const marker = [...paragraph.querySelectorAll("span")].find((span) =>
    /mso-list:\s*Ignore/i.test(span.getAttribute("style") || ""));
  const markerText = marker ? marker.textContent : "";
  return {
    list: match ? match[1] : "l0",
    level: match ? Number(match[2]) : 1,
    ordered: ORDERED_MARKER.test(markerText),
  };
}

// Word's list paragraphs into nested <ul>/<ol>.
function rebuildLists(body) {
  const doc = body.ownerDocument;
  let stack = []; // [{element, level}]
  let last = null;
  for (const paragraph of [...body.querySelectorAll("p")]) {
    const info = listInfo(paragraph);
    if (!info) { stack = []; last = null; continue; }
    if (last && paragraph.previousElementSibling !== last) stack = [];
    while (stack.length && stack[stack.length - 1].level > info.level) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.level < info.level) {
      const list = doc.createElement(info.ordered ? "ol" : "ul");
      if (top) {
        top.element.lastElementChild.append(list);
      } else {
        paragraph.before(list);
      }
      top = { element: list, level: info.level };
      stack.push(top);
    }
    const item = doc.createElement("li");
    const content = doc.createElement("p");
    content.append(...paragraph.childNodes);
    item.append(content);
    top.element.append(item);
    paragraph.remove();
    last = stack[0].element;
  }
}

export function cleanPastedHTML(html) {
  if (!isOffice(html)) return html;
  // Word's <style> block goes before parsing: even in a parsed, inert document Chrome checks
  // a <style> element against the page's policy (and reports it).
  const doc = new DOMParser().parseFromString(html.replace(/<style[\s\S]*?<\/style>/gi, ""), "text/html");
  const body = doc.body;
  for (const node of body.querySelectorAll("style, meta, link, title, xml, script")) node.remove();
  rebuildLists(body);
  // List markers Word draws itself (the numbers and bullets) would come twice.
  for (const span of body.querySelectorAll("span")) {
    if (/mso-list:\s*Ignore/i.test(span.getAttribute("style") || "")) span.remove();
  }
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach((comment) => comment.remove());
  for (const element of [...body.querySelectorAll("*")]) {
    const name = element.tagName.toLowerCase();
    if (name.includes(":")) { // <o:p>, <v:shape>, <w:sdt>
      if (name === "o:p") element.remove(); else element.replaceWith(...element.childNodes);
      continue;
    }
    if (name === "span" || name === "font" || (name === "a" && !element.hasAttribute("href"))) {
      element.replaceWith(...element.childNodes);
      continue;
    }
    for (const attribute of [...element.attributes]) {
      const keep = attribute.name === "href" || attribute.name === "colspan" ||
        attribute.name === "rowspan" || attribute.name === "src" || attribute.name === "alt";
      if (attribute.name === "style") {
        const style = keptStyle(attribute.value);
        if (style) element.setAttribute("style", style); else element.removeAttribute("style");
      } else if (!keep) {
        element.removeAttribute(attribute.name);
      }
    }
  }
  return body.innerHTML.replace(/\u00a0(?=<\/p>)/g, "");
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const disabled = textarea.hasAttribute("disabled");
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const wrapper = crel("div", { className: `prose-editor${disabled ? " disabled" : ""}` });
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new Editor({
    element: wrapper,
    editable: !disabled,
    injectCSS: false,
    content: textarea.value,
    extensions: [
      Document, Dropcursor, Gapcursor, Paragraph, HardBreak, Text, History, Menu, HTML,
      Blockquote, Bold, BulletList, Heading.configure({ levels: [1, 2, 3, 4] }),
      HorizontalRule, Italic, Link, ListItem, OrderedList, Subscript, Superscript, Underline,
      Image.configure({ inline: true }), Table, TableRow, TableHeader, TableCell, BlockStyle,
    ],
    editorProps: {
      transformPastedHTML: cleanPastedHTML,
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": label ? label.textContent.replace(/[:：]\s*$/, "") : "正文",
      },
    },
    onUpdate({ editor: current }) {
      const html = current.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  textarea.dispatchEvent(new CustomEvent("gk-body-editor:ready", { detail: { editor }, bubbles: true }));
  return editor;
}

for (const textarea of document.querySelectorAll("textarea[data-gk-body-editor]")) {
  createEditor(textarea);
}
