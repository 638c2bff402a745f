#if canImport(Glibc)
import Glibc
#endif

/// Facts about the machine the network runs on.
public enum System {
    public static let coreCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
