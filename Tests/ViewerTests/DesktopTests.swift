import Imaging
import Live
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import Viewer

struct DesktopTests {
    @Test func picturesFolderComesFromUserDirs() throws {
        let home = try TestData.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(at: home) }
        let config = home.appendingPathComponent(".config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try """
        # written by xdg-user-dirs-update
        XDG_DESKTOP_DIR="$HOME/Desktop"
        XDG_PICTURES_DIR="$HOME/Bilder"
        """.write(to: config.appendingPathComponent("user-dirs.dirs"), atomically: true, encoding: .utf8)
        let dirs = XDGDirectories(environment: ["HOME": home.path])
        #expect(dirs.snapshotDirectory.path == home.path + "/Bilder/Emoscope")
        #expect(dirs.configDirectory.path == home.path + "/.config/emoscope")
        let fallback = XDGDirectories(environment: ["HOME": "/nowhere"])
        #expect(fallback.snapshotDirectory.path == "/nowhere/Pictures/Emoscope")
        let custom = XDGDirectories(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/cfg"])
        #expect(custom.configDirectory.path == "/cfg/emoscope")
    }

    @Test func settingsRoundTripAndSurviveDamage() throws {
        let folder = try TestData.temporaryDirectory("settings")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("emoscope/settings.json")
        var settings = Settings()
        settings.lastSource = .video("/tmp/faces.avi")
        settings.mirrored = true
        settings.showPanel = false
        settings.windowWidth = 900
        try settings.save(to: url)
        #expect(Settings.load(from: url).0 == settings)
        try Data("{ broken".utf8).write(to: url)
        let (loaded, warning) = Settings.load(from: url)
        #expect(loaded == Settings())
        #expect(warning?.contains(url.path) == true)
    }

    /// A settings file from before a setting existed keeps everything it has; the new one gets its default.
    @Test func anOlderSettingsFileKeepsItsValues() throws {
        let folder = try TestData.temporaryDirectory("settings")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("settings.json")
        try Data(#"{"mirrored": true, "showPanel": false, "smoothing": false, "windowWidth": 1000, "windowHeight": 700}"#.utf8)
            .write(to: url)
        let (loaded, warning) = Settings.load(from: url)
        #expect(warning == nil)
        #expect(loaded.mirrored && !loaded.showPanel && !loaded.smoothing && loaded.windowWidth == 1000)
        #expect(loaded.recordsVideo == false && loaded.lastDataRoot == nil)
    }

    /// Issue 16, item 7: a named pipe where the settings file should be is reported, not waited on.
    @Test func aPipeInPlaceOfTheSettingsDoesNotBlockStartUp() throws {
        let folder = try TestData.temporaryDirectory("settings")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("settings.json")
        #expect(mkfifo(url.path, 0o600) == 0)
        let (loaded, warning) = Settings.load(from: url)
        #expect(loaded == Settings())
        #expect(warning?.contains("named pipe") == true, "\(warning ?? "")")
        #expect(throws: (any Error).self) { try Settings().save(to: url.appendingPathComponent("inside-a-pipe")) }
    }

    @Test func keysFollowDesktopHabits() {
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "q")), modifiers: 0) == .quit)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: " ")), modifiers: 0) == .pause)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "s")), modifiers: 0) == .snapshot)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "?")), modifiers: 0) == .toggleHelp)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "\t")), modifiers: 0) == .toggleBrowser)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "x")), modifiers: 0) == .toggleConfusion)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "y")), modifiers: 0) == .toggleWhy)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "n")), modifiers: 0) == .nextSplit)
        #expect(KeyCommand.from(keycode: Int32(UInt8(ascii: "z")), modifiers: 0) == nil)
    }
}
