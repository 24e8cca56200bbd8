/* A strict JSON parser that remembers where every value sits in the text, so errors with a
   JSON pointer (RFC 6901) can be shown at their place, and syntax errors at line and column. */
(function () {
  "use strict";

  function escapeToken(token) {
    return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
  }

  function SyntaxProblem(message, position) {
    this.message = message;
    this.position = position;
  }

  function parse(text) {
    var i = 0;
    var spans = {};

    function fail(message) { throw new SyntaxProblem(message, i); }
    function space() { while (i < text.length && " \t\n\r".indexOf(text[i]) >= 0) i++; }
    function expect(ch) {
      if (text[i] !== ch) fail("Expected '" + ch + "'" + (i < text.length ? " but found '" + text[i] + "'" : " at the end"));
      i++;
    }

    function string() {
      expect('"');
      var out = "";
      while (true) {
        if (i >= text.length) fail("Unterminated string");
        var ch = text[i++];
        if (ch === '"') return out;
        if (ch === "\\") {
          var esc = text[i++];
          var map = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
          if (esc in map) out += map[esc];
          else if (esc === "u") {
            var hex = text.substr(i, 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Bad \\u escape");
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
          } else { i--; fail("Bad escape"); }
        } else if (ch < " ") { i--; fail("Control character in string"); }
        else out += ch;
      }
    }

    function number() {
      var match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
      if (!match) fail("Unexpected character '" + text[i] + "'");
      i += match[0].length;
      return Number(match[0]);
    }

    function value(pointer) {
      space();
      var start = i;
      var result;
      var ch = text[i];
      if (ch === "{") {
        i++; result = {}; space();
        if (text[i] === "}") { i++; }
        else {
          while (true) {
            space();
            if (text[i] !== '"') fail("Expected a property name in double quotes");
            var keyStart = i;
            var key = string();
            spans[pointer + "/" + escapeToken(key) + "#key"] = [keyStart, i];
            space(); expect(":");
            result[key] = value(pointer + "/" + escapeToken(key));
            space();
            if (text[i] === ",") { i++; continue; }
            if (text[i] === "}") { i++; break; }
            fail("Expected ',' or '}' after a property value");
          }
        }
      } else if (ch === "[") {
        i++; result = []; space();
        if (text[i] === "]") { i++; }
        else {
          var index = 0;
          while (true) {
            result.push(value(pointer + "/" + index));
            index++;
            space();
            if (text[i] === ",") { i++; continue; }
            if (text[i] === "]") { i++; break; }
            fail("Expected ',' or ']' after an array item");
          }
        }
      } else if (ch === '"') result = string();
      else if (text.substr(i, 4) === "true") { i += 4; result = true; }
      else if (text.substr(i, 5) === "false") { i += 5; result = false; }
      else if (text.substr(i, 4) === "null") { i += 4; result = null; }
      else if (ch === "-" || (ch >= "0" && ch <= "9")) result = number();
      else if (i >= text.length) fail("Unexpected end of text");
      else fail("Unexpected character '" + ch + "'");
      spans[pointer] = [start, i];
      return result;
    }

    var parsed = value("");
    space();
    if (i < text.length) fail("Unexpected text after the JSON value");
    return { value: parsed, spans: spans };
  }

  function lineCol(text, position) {
    var before = text.slice(0, position);
    var line = before.split("\n").length;
    return { line: line, column: position - before.lastIndexOf("\n") };
  }

  /* The span of the nearest existing ancestor of `pointer` (errors may name missing keys). */
  function spanFor(spans, pointer) {
    var current = pointer === "/" ? "" : pointer;
    while (true) {
      if (spans[current]) return { span: spans[current], pointer: current };
      if (spans[current + "#key"]) return { span: spans[current + "#key"], pointer: current };
      if (current === "") return null;
      current = current.slice(0, current.lastIndexOf("/"));
    }
  }

  window.CDJson = { parse: parse, lineCol: lineCol, spanFor: spanFor, SyntaxProblem: SyntaxProblem, escapeToken: escapeToken };
})();
