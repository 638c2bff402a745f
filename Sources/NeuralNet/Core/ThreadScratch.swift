#if canImport(Glibc)
import Glibc
#endif

/// Working memory that a kernel needs only while one of its blocks runs, one buffer per thread, grown to the
/// largest request. Kept per layer instead, a network would hold it for every layer at once, and every copy of
/// a network (the live view's, the browser's, the why view's) again. A block never runs inside another on
/// the same thread, so a thread's buffer has one user at a time.
enum ThreadScratch {
    private final class Buffer {
        var capacity = 0
        var data: UnsafeMutablePointer<Float>?
        deinit { free(data) }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in if let pointer { Unmanaged<Buffer>.fromOpaque(pointer).release() } }
        precondition(status == 0, "ThreadScratch: pthread_key_create failed (\(status))")
        return key
    }()

    /// At least `count` floats for this thread, valid until its next call here; contents unspecified.
    static func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let buffer: Buffer
        if let pointer = pthread_getspecific(key) {
            buffer = Unmanaged<Buffer>.fromOpaque(pointer).takeUnretainedValue()
        } else {
            buffer = Buffer()
            pthread_setspecific(key, Unmanaged.passRetained(buffer).toOpaque())
        }
        if buffer.capacity < count {
            free(buffer.data)
            guard let raw = malloc(max(count, 1) * MemoryLayout<Float>.stride) else {
                fatalError("ThreadScratch: cannot allocate \(count) floats")
            }
            buffer.data = raw.bindMemory(to: Float.self, capacity: max(count, 1))
            buffer.capacity = count
        }
        return buffer.data!
    }
}
