/// Python `str` operations on Unicode scalars (Python indexes strings by code point).
enum PyString {
    typealias Scalars = [Unicode.Scalar]

    static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// First index of `needle` in `haystack` at or after `from`.
    static func find(_ haystack: Scalars, _ needle: Scalars, from: Int = 0) -> Int? {
        if needle.isEmpty { return from <= haystack.count ? from : nil }
        guard haystack.count >= needle.count else { return nil }
        var i = max(0, from)
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<i + needle.count].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func rfind(_ haystack: Scalars, _ needle: Scalars) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.count - needle.count
        while i >= 0 {
            if haystack[i..<i + needle.count].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// `strip`, `lstrip`, `rstrip`: `characters` nil means whitespace.
    static func strip(_ s: String, _ characters: String?, leading: Bool, trailing: Bool) -> String {
        let scalars = Array(s.unicodeScalars)
        let set = characters.map { Set($0.unicodeScalars) }
        func removable(_ c: Unicode.Scalar) -> Bool { set?.contains(c) ?? PythonCharacters.isSpace(c) }
        var start = 0, end = scalars.count
        if leading { while start < end, removable(scalars[start]) { start += 1 } }
        if trailing { while end > start, removable(scalars[end - 1]) { end -= 1 } }
        return string(scalars[start..<end])
    }

    /// `split(sep, maxsplit)`; a nil separator splits on whitespace runs and drops empty parts.
    static func split(_ s: String, _ separator: String?, maxSplit: Int) throws -> [String] {
        let scalars = Array(s.unicodeScalars)
        var parts: [String] = []
        guard let separator else {
            var i = 0
            while i < scalars.count {
                while i < scalars.count, PythonCharacters.isSpace(scalars[i]) { i += 1 }
                if i >= scalars.count { break }
                if maxSplit >= 0 && parts.count == maxSplit {
                    var end = scalars.count
                    while end > i, PythonCharacters.isSpace(scalars[end - 1]) { end -= 1 }
                    parts.append(string(scalars[i..<end]))
                    return parts
                }
                let start = i
                while i < scalars.count, !PythonCharacters.isSpace(scalars[i]) { i += 1 }
                parts.append(string(scalars[start..<i]))
            }
            return parts
        }
        let sep = Array(separator.unicodeScalars)
        if sep.isEmpty { throw RuntimeFailure("empty separator") }
        var start = 0
        while maxSplit < 0 || parts.count < maxSplit, let found = find(scalars, sep, from: start) {
            parts.append(string(scalars[start..<found]))
            start = found + sep.count
        }
        parts.append(string(scalars[start...]))
        return parts
    }

    static func rsplit(_ s: String, _ separator: String?, maxSplit: Int) throws -> [String] {
        if maxSplit < 0 { return try split(s, separator, maxSplit: -1) }
        let reversed = string(s.unicodeScalars.reversed())
        let reversedSeparator = separator.map { string($0.unicodeScalars.reversed()) }
        return try split(reversed, reversedSeparator, maxSplit: maxSplit).reversed().map { string($0.unicodeScalars.reversed()) }
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        let scalars = Array(s.unicodeScalars), o = Array(old.unicodeScalars), n = Array(new.unicodeScalars)
        var out: Scalars = []
        var replaced = 0
        if o.isEmpty {
            for c in scalars {
                if count < 0 || replaced < count { out += n; replaced += 1 }
                out.append(c)
            }
            if count < 0 || replaced < count { out += n }
            return string(out)
        }
        var i = 0
        while i < scalars.count {
            if (count < 0 || replaced < count), i + o.count <= scalars.count, scalars[i..<i + o.count].elementsEqual(o) {
                out += n
                i += o.count
                replaced += 1
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return string(out)
    }

    /// `str.title()`: a cased letter after a non-letter starts a word.
    static func title(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for c in s.unicodeScalars {
            let cased = c.properties.isCased
            if cased {
                out += previousCased ? String(c).lowercased() : c.properties.titlecaseMapping
            } else {
                out.unicodeScalars.append(c)
            }
            previousCased = cased
        }
        return out
    }

    /// `str.capitalize()`: first character title case, the rest lower case.
    static func capitalize(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return first.properties.titlecaseMapping + string(s.unicodeScalars.dropFirst()).lowercased()
    }

    static func center(_ s: String, width: Int, fill: String = " ") -> String {
        let length = s.unicodeScalars.count
        guard width > length else { return s }
        let marg = width - length
        let left = marg / 2 + (marg & width & 1)
        return String(repeating: fill, count: left) + s + String(repeating: fill, count: marg - left)
    }

    static func splitLines(_ s: String, keepEnds: Bool) -> [String] {
        let scalars = Array(s.unicodeScalars)
        let breaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        var lines: [String] = []
        var start = 0, i = 0
        while i < scalars.count {
            if breaks.contains(scalars[i].value) {
                var end = i + 1
                if scalars[i] == "\r", end < scalars.count, scalars[end] == "\n" { end += 1 }
                lines.append(string(scalars[start..<(keepEnds ? end : i)]))
                start = end
                i = end
            } else {
                i += 1
            }
        }
        if start < scalars.count { lines.append(string(scalars[start...])) }
        return lines
    }
}
