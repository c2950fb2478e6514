import Foundation

/// The registry of placement strategies by name, so experiments and command lines can pick one
/// (`PlacementStrategies.named("min-latency", parameters: ["max_nodes": 10])`) and researchers
/// can add their own with `register(name:factory:)`.
///
/// Shipped: `ring-memory-weighted` (parameter `use_total_memory`: 0 or 1), `uniform`,
/// `flops-weighted`, `bandwidth-weighted`, `min-latency` (parameter `max_nodes`, 1...12).
public enum PlacementStrategies {
    /// Builds a strategy from its parameters; throws `PlacementError.invalidParameter` for
    /// unknown or out-of-range ones.
    public typealias Factory = @Sendable (_ parameters: [String: Double]) throws -> any PlacementStrategy

    /// The default strategy's name.
    public static let defaultName = "ring-memory-weighted"

    /// Registered names, sorted.
    public static var names: [String] { registry.names }

    /// The strategy registered as `name`, built with `parameters`.
    public static func named(_ name: String, parameters: [String: Double] = [:]) throws -> any PlacementStrategy {
        guard let factory = registry.factory(name) else {
            throw PlacementError.unknownStrategy(name: name, known: names)
        }
        return try factory(parameters)
    }

    /// Registers (or replaces) a strategy under `name`.
    public static func register(name: String, factory: @escaping Factory) {
        registry.set(name, factory)
    }

    /// Throws unless every key of `parameters` is in `allowed` (named in sorted order).
    public static func checkParameterNames(_ parameters: [String: Double], allowed: [String], strategy: String) throws {
        for key in parameters.keys.sorted() where !allowed.contains(key) {
            throw PlacementError.invalidParameter(strategy: strategy, name: key,
                reason: allowed.isEmpty ? "is unknown (this strategy takes no parameters)" : "is unknown (known: \(allowed.joined(separator: ", ")))")
        }
    }

    private static let registry = Registry(builtIns: [
        ("ring-memory-weighted", { p in
            try checkParameterNames(p, allowed: ["use_total_memory"], strategy: "ring-memory-weighted")
            let flag = p["use_total_memory"] ?? 0
            guard flag == 0 || flag == 1 else {
                throw PlacementError.invalidParameter(strategy: "ring-memory-weighted", name: "use_total_memory", reason: "must be 0 or 1, got \(flag)")
            }
            return RingMemoryWeightedStrategy(useTotalMemory: flag == 1)
        }),
        ("uniform", { p in
            try checkParameterNames(p, allowed: [], strategy: "uniform")
            return UniformStrategy()
        }),
        ("flops-weighted", { p in
            try checkParameterNames(p, allowed: [], strategy: "flops-weighted")
            return WeightedStrategy(weight: .flops)
        }),
        ("bandwidth-weighted", { p in
            try checkParameterNames(p, allowed: [], strategy: "bandwidth-weighted")
            return WeightedStrategy(weight: .bandwidth)
        }),
        ("min-latency", { p in
            try checkParameterNames(p, allowed: ["max_nodes"], strategy: "min-latency")
            let value = p["max_nodes"] ?? 8
            guard value.rounded() == value, value >= 1, value <= Double(MinLatencyStrategy.maxNodesLimit) else {
                throw PlacementError.invalidParameter(strategy: "min-latency", name: "max_nodes",
                    reason: "must be a whole number in 1...\(MinLatencyStrategy.maxNodesLimit), got \(value)")
            }
            return MinLatencyStrategy(maxNodes: Int(value))
        }),
    ])
}

/// Name -> factory, behind a lock (registration may happen from any thread). Looked up by name
/// only; listing sorts, so its hashing order never shows.
private final class Registry: @unchecked Sendable {
    private let lock = NSLock()
    private var factories: [String: PlacementStrategies.Factory]

    init(builtIns: [(String, PlacementStrategies.Factory)]) {
        factories = Dictionary(builtIns, uniquingKeysWith: { _, last in last })
    }

    var names: [String] { lock.withLock { factories.keys.sorted() } }

    func factory(_ name: String) -> PlacementStrategies.Factory? { lock.withLock { factories[name] } }

    func set(_ name: String, _ factory: @escaping PlacementStrategies.Factory) { lock.withLock { factories[name] = factory } }
}
