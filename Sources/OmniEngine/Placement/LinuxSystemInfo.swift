import Foundation

/// Reads memory and CPU facts from Linux system files (/proc, cgroup v1 and v2), through a file
/// reader that tests replace. Every parser returns nil for what it cannot read, never crashes.
public struct LinuxSystemInfo: Sendable {
    /// Returns a file's contents, or nil if it does not exist or cannot be read.
    public var readFile: @Sendable (String) -> String?

    public init(readFile: @escaping @Sendable (String) -> String?) { self.readFile = readFile }

    /// Reads the real files of this machine.
    public static let live = LinuxSystemInfo { path in
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Total and available memory in bytes after cgroup limits, or nil where unknown.
    public struct Memory: Sendable, Equatable {
        public var totalBytes: Int?
        public var availableBytes: Int?
    }

    /// `MemTotal`, reduced to the cgroup limit, and `MemAvailable`, reduced to what the cgroup
    /// still allows (limit minus current usage).
    public func memory() -> Memory {
        let info = readFile("/proc/meminfo").map(Self.parseMeminfo) ?? [:]
        var total = info["MemTotal"]
        var available = info["MemAvailable"] ?? info["MemFree"]
        if let limit = cgroupMemoryLimit() {
            total = total.map { min($0, limit) } ?? limit
            let room = max(0, limit - (cgroupMemoryUsage() ?? 0))
            available = available.map { min($0, room) } ?? room
        }
        if let t = total, let a = available { available = min(a, t) }
        return Memory(totalBytes: total, availableBytes: available)
    }

    /// Directories where this process's memory cgroup may be, most specific first.
    func cgroupDirectories() -> [String] {
        var dirs: [String] = []
        if let text = readFile("/proc/self/cgroup") {
            for line in text.split(separator: "\n") {
                // "0::/path" (v2) or "N:memory:/path" / "N:cpu,memory:/path" (v1).
                let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { continue }
                // The cgroup and its ancestors: a parent's limit binds too.
                var path = String(parts[2])
                while path != "/", !path.isEmpty {
                    if parts[1].isEmpty { dirs.append("/sys/fs/cgroup" + path) }
                    if parts[1].split(separator: ",").contains("memory") { dirs.append("/sys/fs/cgroup/memory" + path) }
                    guard let slash = path.lastIndex(of: "/") else { break }
                    path = String(path[..<slash])
                }
            }
        }
        dirs.append("/sys/fs/cgroup")
        dirs.append("/sys/fs/cgroup/memory")
        return dirs
    }

    /// The tightest memory limit of the cgroup (v2 `memory.max`, v1 `memory.limit_in_bytes`), or
    /// nil when unlimited or absent.
    public func cgroupMemoryLimit() -> Int? {
        var best: Int? = nil
        for dir in cgroupDirectories() {
            for file in ["memory.max", "memory.limit_in_bytes"] {
                if let text = readFile(dir + "/" + file), let limit = Self.parseCgroupLimit(text) {
                    best = min(best ?? limit, limit)
                }
            }
        }
        return best
    }

    /// Memory the cgroup currently uses (v2 `memory.current`, v1 `memory.usage_in_bytes`), less
    /// the reclaimable inactive page cache (`inactive_file` / `total_inactive_file` in
    /// `memory.stat`), as container tools count it.
    public func cgroupMemoryUsage() -> Int? {
        for dir in cgroupDirectories() {
            for (file, statKey) in [("memory.current", "inactive_file"), ("memory.usage_in_bytes", "total_inactive_file")] {
                if let text = readFile(dir + "/" + file), let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value >= 0 {
                    let inactive = readFile(dir + "/memory.stat").flatMap { Self.parseMemoryStat($0)[statKey] } ?? 0
                    return max(0, value - min(value, inactive))
                }
            }
        }
        return nil
    }

    /// Parses a cgroup `memory.stat` file ("key value" lines, bytes).
    public static func parseMemoryStat(_ text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let value = Int(fields[1]), value >= 0 else { continue }
            result[String(fields[0])] = value
        }
        return result
    }

    /// CPU model from /proc/cpuinfo (`model name`, or `Hardware`/`Processor` on ARM).
    public func cpuModel() -> String? {
        readFile("/proc/cpuinfo").flatMap(Self.parseCPUModel)
    }

    /// Parses /proc/meminfo into bytes per key ("MemTotal: 16318440 kB" -> 16710082560).
    public static func parseMeminfo(_ text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let fields = parts[1].split(separator: " ")
            guard let first = fields.first, let value = Int(first), value >= 0 else { continue }
            let unit = fields.count > 1 ? fields[1].lowercased() : ""
            let scale = unit == "kb" ? 1024 : 1
            let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
            guard !overflow else { continue }
            result[String(parts[0]).trimmingCharacters(in: .whitespaces)] = bytes
        }
        return result
    }

    /// Parses a cgroup limit file: "max" or an absurdly large v1 value (no limit) gives nil.
    public static func parseCgroupLimit(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let value = Int(trimmed), value > 0 else { return nil }
        // cgroup v1 writes PAGE_COUNTER_MAX * page size (about 2^63) for "unlimited".
        guard value < (1 << 62) else { return nil }
        return value
    }

    /// The first `model name` (x86), `Hardware` or `Processor` (ARM) value in /proc/cpuinfo.
    public static func parseCPUModel(_ text: String) -> String? {
        var fallback: String? = nil
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { continue }
            if key == "model name" { return value }
            if fallback == nil, key == "Hardware" || key == "Processor" || key == "cpu model" { fallback = value }
        }
        return fallback
    }
}
