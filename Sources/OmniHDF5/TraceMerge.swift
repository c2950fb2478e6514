import Foundation

/// Combines per-node trace files of one live run into a single trace.
///
/// Times: file `i`'s `*_ns` values are moved onto the first file's clock by adding
/// `offsets[i]` (the clock correction, e.g. from an NTP-style exchange) and, for wall-clock
/// traces, the difference between its `start_time_unix_ns` and the first file's.
/// Nodes are matched by name and renumbered in name order; events, links, placements,
/// requests and activations are remapped to the new indices. Events are sorted by
/// (start, end, node, kind, request, token, file, row), so the result does not depend on
/// the order rows were recorded in. A request, link or activation recorded by several
/// files is kept once, from the first file that has it. Everything is held in memory.
public enum TraceMerge {
    /// A merged trace, in memory.
    public struct Merged: Sendable, Equatable {
        public var run: TraceRunInfo
        public var nodes: [TraceNode]
        public var links: [TraceLink]
        public var placements: [TracePlacement]
        public var requests: [TraceRequest]
        public var events: [TraceEvent]
        public var activations: [TraceActivation]
        /// The total shift applied to each input file's times, in input order.
        public var appliedShiftsNs: [Int64]
        public var sources: [String]
    }

    /// Reads and merges `files`; `offsets` (ns, one per file, or empty for none) are added to
    /// each file's times.
    public static func merge(files: [String], offsets: [Int64] = []) throws -> Merged {
        guard let firstPath = files.first else {
            throw HDF5Error.invalidValue(path: "", object: "files", detail: "nothing to merge")
        }
        guard offsets.isEmpty || offsets.count == files.count else {
            throw HDF5Error.invalidValue(path: firstPath, object: "offsets",
                                         detail: "\(offsets.count) offsets for \(files.count) files")
        }
        let readers = try files.map { try TraceFileReader(path: $0) }
        let reference = readers[0].run
        for reader in readers where reader.run.clock != reference.clock {
            throw HDF5Error.schema(path: reader.path, detail: "clock '\(reader.run.clock.rawValue)' differs from "
                                   + "'\(reference.clock.rawValue)' in \(firstPath)")
        }
        let shifts = readers.enumerated().map { i, reader in
            (offsets.isEmpty ? 0 : offsets[i])
                + (reference.clock == .wall ? reader.run.startTimeUnixNs - reference.startTimeUnixNs : 0)
        }

        // Nodes by name, renumbered in name order.
        var profiles: [String: String] = [:]
        var perFileNodes: [[TraceNode]] = []
        for reader in readers {
            let nodes = try reader.nodes()
            perFileNodes.append(nodes)
            for node in nodes where profiles[node.name] == nil { profiles[node.name] = node.profileJSON }
        }
        let names = profiles.keys.sorted()
        let newIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        let nodes = names.enumerated().map { TraceNode(index: Int32($0), name: $1, profileJSON: profiles[$1] ?? "") }

        var links: [TraceLink] = []
        var placements: [TracePlacement] = []
        var requests: [TraceRequest] = []
        var keyed: [(key: EventKey, event: TraceEvent)] = []
        var activations: [TraceActivation] = []
        var seenLinks = Set<[Int32]>()
        var seenPlacements = Set<[Int64]>()
        var seenRequests = Set<Int64>()
        var seenActivations = Set<[Int64]>()

        for (fileIndex, reader) in readers.enumerated() {
            let table = Dictionary(perFileNodes[fileIndex].map { ($0.index, newIndex[$0.name] ?? -1) },
                                   uniquingKeysWith: { first, _ in first })
            func remap(_ node: Int32, _ what: String) throws -> Int32 {
                if node < 0 { return node }
                guard let mapped = table[node] else {
                    throw HDF5Error.schema(path: reader.path, detail: "\(what) refers to node \(node), which /nodes does not list")
                }
                return mapped
            }
            let shift = shifts[fileIndex]
            func moved(_ t: Int64) -> Int64 { t == -1 ? -1 : t + shift }

            for link in try reader.links() {
                var l = link
                l.from = try remap(l.from, "a link")
                l.to = try remap(l.to, "a link")
                if seenLinks.insert([l.from, l.to]).inserted { links.append(l) }
            }
            for placement in try reader.placements() {
                var p = placement
                p.node = try remap(p.node, "a placement")
                if seenPlacements.insert([p.epoch, Int64(p.node), Int64(p.layerFirst), Int64(p.layerLast)]).inserted {
                    placements.append(p)
                }
            }
            for request in try reader.requests() where seenRequests.insert(request.id).inserted {
                var r = request
                r.origin = try remap(r.origin, "request \(r.id)")
                r.arrivalNs += shift
                r.firstTokenNs = moved(r.firstTokenNs)
                r.finishNs = moved(r.finishNs)
                requests.append(r)
            }
            for (row, event) in try reader.events().enumerated() {
                var e = event
                e.node = try remap(e.node, "event \(row)")
                e.peer = try remap(e.peer, "event \(row)")
                e.startNs += shift
                e.endNs += shift
                keyed.append((EventKey(event: e, file: fileIndex, row: row), e))
            }
            for key in try reader.activationKeys() where seenActivations.insert([key.request, Int64(key.layer)]).inserted {
                var a = try reader.activation(request: key.request, layer: key.layer)
                a.node = try remap(a.node, "activation \(key.request)/\(key.layer)")
                activations.append(a)
            }
            reader.close()
        }
        keyed.sort { $0.key < $1.key }
        links.sort { ($0.from, $0.to) < ($1.from, $1.to) }
        placements.sort { ($0.epoch, $0.layerFirst, $0.node) < ($1.epoch, $1.layerFirst, $1.node) }
        requests.sort { $0.id < $1.id }
        activations.sort { ($0.request, $0.layer) < ($1.request, $1.layer) }
        var run = reference
        run.recorder = ""
        return Merged(run: run, nodes: nodes, links: links, placements: placements, requests: requests,
                      events: keyed.map(\.event), activations: activations, appliedShiftsNs: shifts, sources: files)
    }

    /// Merges `files` and writes the result to `output` (schema version 1, with root
    /// attributes `merged_from` and `clock_shifts_ns` recording the inputs and shifts).
    @discardableResult
    public static func merge(files: [String], offsets: [Int64] = [], into output: String,
                             options: TraceWriterOptions = TraceWriterOptions()) throws -> Merged {
        let merged = try merge(files: files, offsets: offsets)
        try write(merged, to: output, options: options)
        return merged
    }

    /// Writes a merged trace.
    public static func write(_ merged: Merged, to output: String, options: TraceWriterOptions = TraceWriterOptions()) throws {
        var options = options
        options.swmr = false
        let writer = try TraceFileWriter(path: output, run: merged.run, options: options)
        try writer.setRootAttribute("merged_from", .strings(merged.sources))
        try writer.setRootAttribute("clock_shifts_ns", .int64s(merged.appliedShiftsNs))
        for node in merged.nodes { try writer.add(node) }
        for link in merged.links { try writer.add(link) }
        for placement in merged.placements { try writer.add(placement) }
        for request in merged.requests { try writer.add(request) }
        try writer.record(contentsOf: merged.events)
        for activation in merged.activations { try writer.writeActivation(activation) }
        try writer.close()
    }

    /// Total order of merged events.
    struct EventKey: Comparable {
        var fields: [Int64]
        init(event e: TraceEvent, file: Int, row: Int) {
            fields = [e.startNs, e.endNs, Int64(e.node), Int64(e.kind.rawValue), e.request, e.tokenIndex,
                      Int64(file), Int64(row)]
        }
        static func < (a: EventKey, b: EventKey) -> Bool { a.fields.lexicographicallyPrecedes(b.fields) }
    }
}
