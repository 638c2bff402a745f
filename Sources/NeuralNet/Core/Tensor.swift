#if canImport(Glibc)
import Glibc
#endif

/// A dense float32 array with a shape, row-major. Images are NHWC: [batch, height, width, channels],
/// the layout Keras uses, so Keras weights and Flatten order carry over unchanged.
///
/// A Tensor is a reference type on purpose (as llm.c's activation buffers): every layer owns its output and
/// gradient tensors and refills them each step, so the hot path allocates nothing once shapes settle.
public final class Tensor: @unchecked Sendable {
    public private(set) var shape: [Int]
    public private(set) var count: Int
    private var capacity: Int
    public private(set) var data: UnsafeMutablePointer<Float>
    /// The tensor whose storage this one reads (`share(_:)`), kept alive by this reference; nil when it owns its own.
    private var owner: Tensor?

    public init(shape: [Int]) {
        let count = Tensor.elementCount(shape)
        self.shape = shape
        self.count = count
        self.capacity = max(count, 1)
        self.data = Tensor.zeroed(capacity)
    }

    /// Zeroed storage from calloc: large blocks come as fresh pages, resident only once written, so buffers a
    /// network never uses (an inference copy's parameter gradients) cost address space, not memory.
    private static func zeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
        guard let raw = calloc(count, MemoryLayout<Float>.stride) else {
            fatalError("Tensor: cannot allocate \(count) floats")
        }
        return raw.bindMemory(to: Float.self, capacity: count)
    }

    public convenience init(shape: [Int], values: [Float]) {
        precondition(values.count == Tensor.elementCount(shape), "Tensor: \(values.count) values for shape \(shape)")
        self.init(shape: shape)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    public convenience init(shape: [Int], repeating value: Float) {
        self.init(shape: shape)
        data.update(repeating: value, count: count)
    }

    deinit { if owner == nil { free(data) } }

    /// Changes the shape, keeping the storage when it is large enough. Contents are unspecified afterwards.
    public func reshape(_ newShape: [Int]) {
        let newCount = Tensor.elementCount(newShape)
        if newCount > capacity {
            precondition(owner == nil, "Tensor.reshape: a tensor sharing another's storage cannot grow")
            free(data)
            capacity = newCount
            data = Tensor.zeroed(capacity)
        }
        shape = newShape
        count = newCount
    }

    /// Makes this tensor read `other`'s storage instead of its own, which it frees: copies of a network for
    /// inference on other threads (the browser's, the why view's) share the weights rather than hold them
    /// again. Writing through either tensor changes both, so it is for weights that no longer change.
    public func share(_ other: Tensor) {
        precondition(other.shape == shape, "Tensor.share: \(shape) cannot share \(other.shape)")
        if owner == nil { free(data) }
        let root = other.owner ?? other
        (data, capacity, owner) = (other.data, other.capacity, root)
    }

    /// Reinterprets the same elements under another shape of equal size (no copy).
    public func view(as newShape: [Int]) {
        precondition(Tensor.elementCount(newShape) == count, "Tensor.view: \(shape) cannot become \(newShape)")
        shape = newShape
    }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: data, count: count) }
    public var array: [Float] { Array(buffer) }
    public var batchSize: Int { shape.first ?? 0 }
    /// Elements per sample: the product of all dimensions but the first.
    public var sampleCount: Int { shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1 }

    public subscript(index: Int) -> Float {
        get { data[index] }
        set { data[index] = newValue }
    }

    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    public func copy(from other: Tensor) {
        reshape(other.shape)
        data.update(from: other.data, count: count)
    }

    public func copy() -> Tensor {
        let result = Tensor(shape: shape)
        result.data.update(from: data, count: count)
        return result
    }

    static func elementCount(_ shape: [Int]) -> Int {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        return shape.reduce(1, *)
    }
}
