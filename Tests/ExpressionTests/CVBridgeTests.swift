import CVBridge
import Imaging
import Foundation
import Testing
import TestSupport

/// The C bridge's video and cascade paths, called as the viewer calls them.
@Suite struct CVBridgeTests {
    @Test func videoWrittenThenReadBackFrameByFrame() throws {
        let folder = try TestData.temporaryDirectory("video")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("clip.avi").path
        let width = 64, height = 48
        let writer = try #require(cvb_writer_open(path, Int32(width), Int32(height), 10))
        for frame in 0..<5 {
            let bgra = [UInt8](repeating: UInt8(frame * 50), count: width * height * 4)
            #expect(cvb_writer_write_bgra(writer, bgra, Int32(width * 4)) == 0)
        }
        cvb_writer_close(writer)

        let capture = try #require(cvb_capture_open_file(path), "\(String(cString: cvb_last_error()))")
        defer { cvb_capture_close(capture) }
        #expect(abs(cvb_capture_fps(capture) - 10) < 0.01)
        var pixels: UnsafePointer<UInt8>?
        var w: Int32 = 0, h: Int32 = 0, stride: Int32 = 0
        var frames = 0
        while cvb_capture_read_bgra(capture, &pixels, &w, &h, &stride) == 1 {
            #expect(w == Int32(width) && h == Int32(height) && stride >= w * 4)
            // MJPG is lossy: the gray level survives approximately; alpha is opaque.
            let blue = Int(pixels![Int(stride) * 10 + 40]), alpha = pixels![3]
            #expect(abs(blue - frames * 50) <= 4 && alpha == 255)
            frames += 1
        }
        #expect(frames == 5)
        #expect(cvb_capture_read_bgra(capture, &pixels, &w, &h, &stride) == 0, "end of file stays 0")
    }

    @Test func missingSourcesAreNamed() {
        #expect(cvb_capture_open_camera(97, 640, 480) == nil)
        #expect(String(cString: cvb_last_error()) == "cannot open camera 97: /dev/video97 does not exist")
        #expect(cvb_capture_open_file("/nonexistent/clip.avi") == nil)
        #expect(String(cString: cvb_last_error()).hasPrefix("cannot open video /nonexistent/clip.avi: "))
        #expect(cvb_cascade_load("/nonexistent/cascade.xml") == nil)
        #expect(String(cString: cvb_last_error()).hasPrefix("cannot load cascade /nonexistent/cascade.xml"))
    }

    @Test func nonCascadeXMLIsRefused() throws {
        let folder = try TestData.temporaryDirectory("cascade")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("fake.xml").path
        try Data("<?xml version=\"1.0\"?><opencv_storage></opencv_storage>".utf8).write(to: URL(fileURLWithPath: path))
        #expect(cvb_cascade_load(path) == nil)
        #expect(String(cString: cvb_last_error()) == "cannot load cascade \(path): not an OpenCV cascade XML file")
    }

    @Test func errorsStayOnTheirThread() async {
        _ = cvb_capture_open_file("/nonexistent/here.avi")
        let other = await Task.detached { () -> String in
            _ = cvb_capture_open_file("/nonexistent/there.avi")
            return String(cString: cvb_last_error())
        }.value
        #expect(other.contains("there.avi"))
    }
}
