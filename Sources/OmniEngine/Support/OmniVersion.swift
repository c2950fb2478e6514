/// OMNI's version, stamped into traces and results.
public enum OmniVersion {
    public static let string = "0.1.0"
}
