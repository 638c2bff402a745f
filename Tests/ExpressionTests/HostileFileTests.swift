import Expression
import Foundation
import Imaging
import NeuralNet
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 16, items 4, 7 and 11: where a file is expected, a named pipe, a device, a huge sparse file or an
/// image declaring billions of pixels is refused at once with a message naming the file: no hang, no
/// gigabytes allocated.
@Suite("Hostile files")
struct HostileFileTests {
    /// Runs `body` on another thread and fails the test when it has not returned within `seconds` (a
    /// blocked open of a named pipe would otherwise hang the whole test run).
    static func finishes(within seconds: Double = 30, _ what: String, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread { body(); done.signal() }.start()
        let finished = done.wait(timeout: .now() + seconds) == .success
        if !finished { Issue.record("\(what) did not return within \(seconds) s") }
        return finished
    }

    static func fifo(_ folder: URL, _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        #expect(mkfifo(url.path, 0o600) == 0)
        return url
    }

    /// Every loader, on a named pipe, a character device and a directory: refused quickly, naming the kind.
    @Test func notRegularFilesAreRefusedWithoutBlocking() throws {
        let folder = try TestData.temporaryDirectory("hostile")
        let loaders: [(String, @Sendable (URL) throws -> Void)] = [
            ("gray image", { _ = try GrayImage(contentsOf: $0) }),
            ("colour image", { _ = try BGRAImage(contentsOf: $0) }),
            ("video", { _ = try VideoReader(file: $0.path) }),
            ("model", { _ = try ModelFile.load($0) }),
            ("checkpoint", { _ = try TrainingCheckpoint.readState($0) }),
            ("Keras model.json", { _ = try ModelOpening.open($0, kerasWeights: $0) }),
            ("fer2013.csv", { _ = try Dataset(csv: $0) }),
        ]
        for (index, (what, load)) in loaders.enumerated() {
            let pipe = try Self.fifo(folder, "pipe\(index).\(what == "Keras model.json" ? "json" : "bin")")
            for (url, kind) in [(pipe, "named pipe"), (URL(fileURLWithPath: "/dev/zero"), "character device"), (folder, "directory")] {
                let message = Mutex("")
                _ = Self.finishes("\(what) of \(url.path)") {
                    do { try load(url); message.set("loaded") } catch { message.set("\(error)") }
                }
                let text = message.get()
                #expect(text.contains(url.path) && text.contains(kind), "\(what): \(text)")
            }
        }
    }

    @Test func hugeSparseFilesAreRefusedBeforeReading() throws {
        let folder = try TestData.temporaryDirectory("hostile")
        let image = folder.appendingPathComponent("huge.jpg"), csv = folder.appendingPathComponent("huge.csv")
        for (url, size) in [(image, Int64(ImageLimits.maximumFileBytes) + 1), (csv, Int64(1) << 31)] {
            #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
            #expect(truncate(url.path, off_t(size)) == 0)
        }
        let imageError = try #require(throws: ImageError.self) { try GrayImage(contentsOf: image) }
        #expect(imageError.path == image.path && imageError.reason.contains("more than the 256 MB"), "\(imageError)")
        let csvError = try #require(throws: DatasetError.self) { try Dataset(csv: csv) }
        #expect("\(csvError)".contains(csv.path) && "\(csvError)".contains("more than"), "\(csvError)")
    }

    /// Headers declaring 30000x30000 pixels in each format whose header is read: refused before decoding.
    @Test func decompressionBombsAreRefusedFromTheirHeader() throws {
        let folder = try TestData.temporaryDirectory("hostile")
        let side: [UInt8] = [0x75, 0x30] // 30000, big-endian
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        png += [0, 0] + side + [0, 0] + side + [8, 0, 0, 0, 0] + [0, 0, 0, 0] + Array(repeating: 0, count: 64)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8] + side + side + [1, 1, 0x11, 0] + Array(repeating: 0, count: 64)
        var bmp: [UInt8] = Array("BM".utf8) + Array(repeating: 0, count: 12) + [40, 0, 0, 0]
        bmp += [0x30, 0x75, 0, 0, 0x30, 0x75, 0, 0] + Array(repeating: 0, count: 64)
        let pgm = Array("P5\n# a comment\n30000 30000\n255\n".utf8) + Array(repeating: 0, count: 64)
        // Little-endian TIFF: one directory of two LONG entries, ImageWidth and ImageLength.
        var tif: [UInt8] = Array("II".utf8) + [42, 0, 8, 0, 0, 0, 2, 0]
        tif += [0, 1, 4, 0, 1, 0, 0, 0, 0x30, 0x75, 0, 0] + [1, 1, 4, 0, 1, 0, 0, 0, 0x30, 0x75, 0, 0] + Array(repeating: 0, count: 64)
        let hdr = Array("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 30000 +X 30000\n".utf8) + Array(repeating: 0, count: 64)
        for (name, bytes) in [("bomb.png", png), ("bomb.jpg", jpeg), ("bomb.bmp", bmp), ("bomb.pgm", pgm), ("bomb.tif", tif),
                              ("bomb.hdr", hdr)] {
            let url = folder.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            for decode in [{ _ = try GrayImage(contentsOf: url) }, { _ = try BGRAImage(contentsOf: url) }] as [() throws -> Void] {
                let error = try #require(throws: ImageError.self) { try decode() }
                #expect(error.path == url.path && error.reason.contains("30000x30000") && error.reason.contains("megapixels"), "\(error)")
            }
        }
    }

    /// Real images of ordinary sizes still decode, and their declared size is what the decoder gives.
    @Test func headerSizesMatchTheDecoder() throws {
        let folder = try TestData.temporaryDirectory("hostile")
        let url = folder.appendingPathComponent("small.png")
        try GrayImage(width: 37, height: 21, fill: 90).writePNG(to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        let size = try #require(ImageLimits.declaredSize(of: bytes))
        #expect(size.width == 37 && size.height == 21)
        #expect(try GrayImage(contentsOf: url).width == 37)
    }

    /// A hand-made big-endian TIFF (SHORT sizes, one strip): the header reader and OpenCV agree.
    @Test func tiffHeaderMatchesTheDecoder() throws {
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func entry(_ tag: Int, _ type: Int, _ value: Int) -> [UInt8] {
            be16(tag) + be16(type) + [0, 0, 0, 1] + (type == 3 ? be16(value) + [0, 0] : [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
        }
        let entries = [entry(256, 3, 37), entry(257, 3, 21), entry(258, 3, 8), entry(259, 3, 1), entry(262, 3, 1),
                       entry(273, 4, 8 + 2 + 10 * 12 + 4), entry(277, 3, 1), entry(278, 3, 21), entry(279, 4, 37 * 21)]
        var tiff: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8] + be16(entries.count)
        for e in entries { tiff += e }
        tiff += [0, 0, 0, 0] + Array(repeating: 0, count: 12) // next directory: none; pad to the strip
        tiff = Array(tiff.prefix(8 + 2 + 10 * 12 + 4)) + Array(repeating: 90, count: 37 * 21)
        let size = try #require(ImageLimits.declaredSize(of: tiff))
        #expect(size.width == 37 && size.height == 21)
        let url = try TestData.temporaryDirectory("hostile").appendingPathComponent("small.tif")
        try Data(tiff).write(to: url)
        let image = try GrayImage(contentsOf: url)
        #expect(image.width == 37 && image.height == 21 && image.pixels[0] == 90)
    }
}

extension HostileFileTests {
    /// A header that a spreadsheet program wrote with a byte-order mark is read like any other.
    @Test func aCSVHeaderWithAByteOrderMarkIsAccepted() throws {
        let folder = try TestData.temporaryDirectory("hostile")
        let url = folder.appendingPathComponent("fer2013.csv")
        let pixels = Array(repeating: "7", count: LabeledFaces.faceSize).joined(separator: " ")
        try Data(("\u{FEFF}emotion,pixels,Usage\r\n3,\(pixels),Training\r\n").utf8).write(to: url)
        let dataset = try Dataset(csv: url)
        #expect(dataset.splitNames == ["train"])
        #expect(try dataset.load(split: "train").faces.labels == [.happy])
    }

    /// A header that only looks right says which invisible character is in the way.
    @Test func anInvisibleCharacterInTheCSVHeaderIsShown() throws {
        let folder = try TestData.temporaryDirectory("hostile")
        let url = folder.appendingPathComponent("fer2013.csv")
        try Data("emo\u{200B}tion,pixels,Usage\n".utf8).write(to: url)
        let error = try #require(throws: DatasetError.self) { try Dataset(csv: url) }
        #expect("\(error)".contains("emo\\u{200B}tion") && "\(error)".contains(url.path), "\(error)")
    }
}

/// A value shared with the thread a test runs a load on.
final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
}

extension HostileFileTests {
    /// A PNG write killed mid-way leaves `.NAME.PID.TOKEN.png`; the next write of that PNG removes it.
    @Test func stalePNGTemporariesAreRemovedByTheNextWrite() throws {
        let folder = try TestData.temporaryDirectory("hostile")
        var dead: pid_t = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let stale = folder.appendingPathComponent(".r.png.\(dead).abcd1234.png")
        try Data(count: 1000).write(to: stale)
        try GrayImage(width: 4, height: 4).writePNG(to: folder.appendingPathComponent("r.png"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["r.png"])
    }
}
