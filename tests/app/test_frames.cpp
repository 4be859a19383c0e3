// Whole frames of the explorer without a GPU: App::frame under a null ImGui backend (a context with a display
// size and a built font atlas with a dummy texture id, no platform or renderer backend) drawing through a
// NullRenderer, checked on what the frames produced: the windows and their titles in ImGui's draw data, their
// places, vertex counts, the plots' label rectangles, the renderer's passes, the state after keyboard input and
// the snapshot. The panel registry is checked against web/README.md here too.
#include <doctest/doctest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app.h"
#include "explorer.h"
#include "fonts.h"
#include "grassflow/link.h"
#include "layout.h"
#include "panel_registry.h"
#include "plot.h"
#include "renderer.h"
#include "state.h"
#include "theme.h"

using namespace grassflow::app;

namespace {

constexpr float kWidth = 1280, kHeight = 800;
constexpr int kSpaceKey = 32;  // any free index of io.KeysDown: what io.KeyMap[ImGuiKey_Space] points at

// An App in an ImGui context of its own, run frame by frame without a backend.
class Harness {
 public:
  // A canvas of `size` layout units (1280×800 unless told).
  explicit Harness(const std::string& hash, ImVec2 size = ImVec2(kWidth, kHeight)) : size_(size) {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = size;
    io.DeltaTime = 1.0f / 60.0f;
    io.KeyMap[ImGuiKey_Space] = kSpaceKey;
    configure_ui(1.0f);  // the app's font and style: text sizes, and so label places, are the app's
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1)));
    auto renderer = std::make_unique<NullRenderer>();
    renderer_ = renderer.get();
    Platform platform;
    platform.name = "test";
    platform.save = [this](const std::string& name, const std::string& mime, const std::vector<unsigned char>& bytes) {
      saved.push_back(name + " " + mime);
      saved_bytes[name].assign(bytes.begin(), bytes.end());
    };
    platform.emit = [this](const std::string& json) { events.push_back(nlohmann::json::parse(json)); };
    platform.publish_state = [this](const std::string& hash_now) { published = hash_now; };
    app_ = std::make_unique<App>(platform, std::move(renderer), "", hash);
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;
  ~Harness() {
    app_.reset();
    ImGui::DestroyContext(context_);
  }

  void frames(int n) {
    for (int i = 0; i < n; ++i) {
      // As the entry points do: the font and style follow the state's theme and scale (display scale 1).
      if (app_->prepare_frame(1.0f, size_.y)) {
        unsigned char* pixels = nullptr;
        int width = 0, height = 0;
        ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
        ImGui::GetIO().Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1)));
      }
      ImGui::NewFrame();
      app_->frame(size_.x, size_.y, 1.0f, 1.0 / 60.0);
      ImGui::Render();
      app_->after_render(static_cast<int>(size_.x), static_cast<int>(size_.y));
    }
  }
  // One frame with Space held (pressed in this frame), then released.
  void press_space() {
    ImGui::GetIO().KeysDown[kSpaceKey] = true;
    frames(1);
    ImGui::GetIO().KeysDown[kSpaceKey] = false;
  }
  void type(char c) {
    ImGui::GetIO().AddInputCharacter(static_cast<unsigned int>(c));
    frames(1);
  }
  // A left click at `at` (pressed in one frame, released in the next, as ImGui's buttons need).
  void click(ImVec2 at) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = at;
    frames(1);
    io.MouseDown[0] = true;
    frames(1);
    io.MouseDown[0] = false;
    frames(1);
  }

  nlohmann::json snapshot() const { return nlohmann::json::parse(app_->snapshot_json()); }
  App& app() { return *app_; }
  NullRenderer& renderer() { return *renderer_; }

  // The last frame's draw lists by owner window name, with their vertex counts.
  std::map<std::string, int> drawn_windows() const {
    std::map<std::string, int> windows;
    const ImDrawData* data = ImGui::GetDrawData();
    REQUIRE(data != nullptr);
    for (int i = 0; i < data->CmdListsCount; ++i)
      windows[data->CmdLists[i]->_OwnerName] += data->CmdLists[i]->VtxBuffer.Size;
    return windows;
  }

  std::vector<std::string> saved;
  std::map<std::string, std::string> saved_bytes;
  std::vector<nlohmann::json> events;
  std::string published;

 private:
  ImVec2 size_;
  ImGuiContext* context_ = nullptr;
  NullRenderer* renderer_ = nullptr;
  std::unique_ptr<App> app_;
};

// The window of panel `id` in the last frame ("Title##id"), or nullptr.
const ImGuiWindow* panel_window(const std::string& id) {
  for (const ImGuiWindow* window : ImGui::GetCurrentContext()->Windows) {
    const std::string name = window->Name;
    if (window->Active && name.size() > id.size() + 2 &&
        name.compare(name.size() - id.size() - 2, std::string::npos, "##" + id) == 0)
      return window;
  }
  return nullptr;
}

std::string window_title(const ImGuiWindow* window) {
  const std::string name = window->Name;
  return name.substr(0, name.find("##"));
}

// ImGui places windows on whole pixels: the layout's fractional rectangle, floored.
void check_window_at(const ImGuiWindow* window, const Rect& expected) {
  CHECK(std::fabs(window->Pos.x - expected.x) < 1.0f);
  CHECK(std::fabs(window->Pos.y - expected.y) < 1.0f);
  CHECK(std::fabs(window->Size.x - expected.w) < 1.0f);
  CHECK(std::fabs(window->Size.y - expected.h) < 1.0f);
}

bool inside(const Rect& inner, const Rect& outer) {
  const float slack = 0.0f;  // as the plot's placement judges its bounds
  return inner.x >= outer.x - slack && inner.y >= outer.y - slack && inner.x + inner.w <= outer.x + outer.w + slack &&
         inner.y + inner.h <= outer.y + outer.h + slack;
}

// Every plot of the last frame: labels inside the plotting area, apart from each other and crossing no curve and
// no reference line (checked here segment by segment, independently of the plot's own column index), legend
// entries apart from each other and above the plotting area.
void check_plot_layout() {
  for (const PlotRecord& plot : recorded_plots()) {
    CAPTURE(plot.id);
    for (std::size_t i = 0; i < plot.labels.size(); ++i) {
      CAPTURE(plot.labels[i].text);
      CHECK(inside(plot.labels[i].rect, plot.area));
      for (const DrawnCurve& curve : plot.curves)
        for (std::size_t k = 0; k + 1 < curve.points.size(); ++k)
          CHECK_FALSE(segment_meets(curve.points[k], curve.points[k + 1], plot.labels[i].rect));
      for (std::size_t j = i + 1; j < plot.labels.size(); ++j) {
        CAPTURE(plot.labels[j].text);
        CHECK_FALSE(overlaps(plot.labels[i].rect, plot.labels[j].rect));
      }
    }
    // Every label dropped from the plot is named in its notes row or counted there ("; +2 more").
    if (!plot.dropped.empty()) {
      CAPTURE(plot.notes);
      REQUIRE(plot.notes.rfind("labels: ", 0) == 0);
      std::size_t listed = 0, more = 0;
      const std::string list = plot.notes.substr(8);
      for (std::size_t from = 0; from <= list.size();) {
        const std::size_t end = std::min(list.find("; ", from), list.size());
        const std::string part = list.substr(from, end - from);
        if (!part.empty() && part[0] == '+')
          more = std::stoul(part.substr(1));
        else
          ++listed;
        from = end + 2;
      }
      CHECK(listed + more == plot.dropped.size());
    }
    for (std::size_t i = 0; i < plot.legend.size(); ++i) {
      CAPTURE(plot.legend[i].text);
      CHECK(plot.legend[i].rect.y + plot.legend[i].rect.h <= plot.area.y + 0.5f);
      for (std::size_t j = i + 1; j < plot.legend.size(); ++j)
        CHECK_FALSE(overlaps(plot.legend[i].rect, plot.legend[j].rect));
    }
  }
}

bool has_text(const std::vector<PlacedText>& texts, const std::string& words) {
  for (const PlacedText& t : texts)
    if (t.text.find(words) != std::string::npos) return true;
  return false;
}

// A label the plot showed: placed on it, or (no free place) listed in its notes line.
bool shown(const PlotRecord& plot, const std::string& words) {
  for (const std::string& d : plot.dropped)
    if (d.find(words) != std::string::npos) return true;
  return has_text(plot.labels, words);
}

const PlotRecord* find_plot(const std::string& id) {
  for (const PlotRecord& plot : recorded_plots())
    if (plot.id == id) return &plot;
  return nullptr;
}

}  // namespace

TEST_CASE("every registered panel draws its window where the layout puts it, with its title and some vertices") {
  for (const PanelType& type : panel_types()) {
    CAPTURE(type.id);
    Harness h(std::string("panels=") + type.id + "&init=isotropic&dt=0.1");
    h.frames(3);
    const ImGuiWindow* window = panel_window(type.id);
    REQUIRE(window != nullptr);
    CHECK_FALSE(window_title(window).empty());
    const ImGuiWindow* status = ImGui::FindWindowByName("##status");
    REQUIRE(status != nullptr);
    const Rect expected = tile_panels({type.id}, kWidth, kHeight, kHeight - status->Pos.y, 1.0f)[0];
    check_window_at(window, expected);
    const std::map<std::string, int> drawn = h.drawn_windows();
    REQUIRE(drawn.count(window->Name) == 1);
    CHECK(drawn.at(window->Name) > 100);
    CHECK(drawn.count("##status") == 1);
    CHECK(h.snapshot()["problems"].empty());
  }
}

TEST_CASE("without panels in the URL the registry's default set is drawn, tiled as the layout says") {
  Harness h("init=isotropic&dt=0.1");
  h.frames(2);
  const std::vector<std::string> ids = default_panel_ids();
  std::set<std::string> expected = {"##status"};
  for (const std::string& id : ids) {
    const ImGuiWindow* window = panel_window(id);
    REQUIRE(window != nullptr);
    expected.insert(window->Name);
  }
  std::set<std::string> drawn;
  for (const auto& [name, vertices] : h.drawn_windows()) {
    drawn.insert(name);
    CHECK(vertices > 0);
  }
  CHECK(drawn == expected);
  const ImGuiWindow* status = ImGui::FindWindowByName("##status");
  REQUIRE(status != nullptr);
  const std::vector<Rect> rects = tile_panels(ids, kWidth, kHeight, kHeight - status->Pos.y, 1.0f);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    CAPTURE(ids[i]);
    check_window_at(panel_window(ids[i]), rects[i]);
  }
  CHECK(window_title(panel_window("cosines")) == "Principal cosines");
  CHECK(window_title(panel_window("controls")) == "Controls");
}

TEST_CASE("embed mode draws only the views: no sidebar, no status bar") {
  Harness h("embed=1&panels=controls,cosines,landscape&init=isotropic&dt=0.1");
  h.frames(2);
  std::set<std::string> drawn;
  for (const auto& [name, vertices] : h.drawn_windows()) drawn.insert(name);
  CHECK(drawn == std::set<std::string>{"Principal cosines##cosines", "Loss landscape##landscape"});
}

TEST_CASE("the landscape and the sphere draw through the renderer: one heatmap and one legend pass, one sphere") {
  SUBCASE("landscape, r = 2") {
    Harness h("panels=landscape&init=isotropic&dt=0.1");
    h.frames(4);
    const auto& passes = h.renderer().passes();
    REQUIRE(passes.size() == 8);
    CHECK(h.renderer().counts().programs == 1);
    CHECK(h.renderer().counts().live_targets == 2);
    for (std::size_t i = 0; i < passes.size(); i += 2) {
      const NullRenderer::Pass& heatmap = passes[i];
      const NullRenderer::Pass& legend = passes[i + 1];
      CHECK(heatmap.pass.sampler == "u_values");
      CHECK(heatmap.width == heatmap.height);
      CHECK(heatmap.width > 200);
      CHECK(legend.width == 8);
      CHECK(legend.height == heatmap.height);
      CHECK(legend.pass.program == heatmap.pass.program);
    }
    // The grid's values (128 × 128) and the legend's ramp (64), each uploaded at least once.
    CHECK(h.renderer().counts().texels >= 128 * 128 + 64);
    const nlohmann::json s = h.snapshot();
    CHECK(s["landscape"]["for"] == "joint/cosines");
    CHECK(s["landscape"]["max"].get<double>() > s["landscape"]["min"].get<double>());
  }
  SUBCASE("sphere, r = 1") {
    Harness h("link=preset:he3&panels=sphere&dt=0.1");
    h.frames(3);
    const auto& passes = h.renderer().passes();
    REQUIRE(passes.size() == 3);
    CHECK(passes[0].pass.sampler == "u_profile");
    REQUIRE(passes[0].pass.uniforms.size() == 2);
    CHECK(passes[0].pass.uniforms[0].name == "u_rotation");
    CHECK(passes[0].pass.uniforms[0].kind == Uniform::Kind::mat3);
    CHECK(h.renderer().counts().texels == 256);  // the loss profile, made once per objective
  }
  SUBCASE("sphere panel, r = 2: the disk's loss through the disk shader, a 64 × 64 grid") {
    Harness h("panels=sphere&dt=0.1");
    h.frames(2);
    const auto& passes = h.renderer().passes();
    REQUIRE(passes.size() == 2);
    CHECK(passes[0].pass.sampler == "u_values");
    CHECK(passes[0].width == passes[0].height);
    CHECK(h.renderer().counts().texels % (64 * 64) == 0);
    CHECK(h.renderer().counts().texels >= 64 * 64);
    CHECK(h.drawn_windows().at("Grassmannian: disk of span(W*)##sphere") > 100);
  }
}

TEST_CASE("the sphere panel shows the Grassmannian for every r: its title and picture follow r") {
  struct Case {
    const char* hash;
    const char* title;
    const char* view;
  };
  for (const Case& c :
       {Case{"link=preset:he3&panels=sphere&dt=0.1", "Sphere", "sphere"},
        Case{"link=preset:he4sum2&panels=sphere&dt=0.1", "Grassmannian: disk of span(W*)", "disk"},
        Case{"link=preset:staircase3&panels=sphere&dt=0.1", "Grassmannian: ball of span(W*)", "ball"},
        Case{"link=preset:he3sum&r=5&d=100&panels=sphere&dt=0.5", "Grassmannian: principal angles", "parallel"}}) {
    const std::string hash = c.hash;
    CAPTURE(hash);
    Harness h(hash);
    h.frames(3);
    const ImGuiWindow* window = panel_window("sphere");
    REQUIRE(window != nullptr);
    CHECK(window_title(window) == c.title);
    const std::map<std::string, int> drawn = h.drawn_windows();
    REQUIRE(drawn.count(window->Name) == 1);
    CHECK(drawn.at(window->Name) > 500);
    CHECK(h.snapshot()["grassmannian"]["view"] == c.view);
    CHECK(h.snapshot()["grassmannian"]["path_points"].get<int>() >= 4);
  }
}

TEST_CASE("a phone in portrait (390 × 844): one panel at a time under tabs, every tab in sight") {
  Harness h("init=isotropic&dt=0.1", ImVec2(390, 844));
  h.frames(2);
  // Every default panel has a tab inside the canvas, none on another; the figure, not the controls, shows.
  const std::map<std::string, Rect> tabs = h.app().tab_rects();
  CHECK(tabs.size() == default_panel_ids().size());
  for (const auto& tab : tabs) {  // (no structured binding: clang's CAPTURE cannot take one)
    const std::string& id = tab.first;
    const Rect& rect = tab.second;
    CAPTURE(id);
    CHECK(rect.x >= 0.0f);
    CHECK(rect.x + rect.w <= 390.0f);
    for (const auto& other : tabs) CHECK((other.first == id || !overlaps(rect, other.second)));
  }
  const auto active_panels = [] {
    std::vector<std::string> ids;
    for (const std::string& id : default_panel_ids())
      if (panel_window(id)) ids.push_back(id);
    return ids;
  };
  CHECK(active_panels() == std::vector<std::string>{"cosines"});
  const ImGuiWindow* cosines = panel_window("cosines");
  REQUIRE(cosines != nullptr);
  CHECK(cosines->Size.x == doctest::Approx(390.0f));
  CHECK(cosines->Size.y > 600.0f);
  // Past both escapes the narrow plot still names its theory markers, on the plot (short form) if not at length.
  h.frames(300);
  const PlotRecord* plot = find_plot("##cosines-plot");
  REQUIRE(plot != nullptr);
  CHECK(has_text(plot->labels, "theory"));
  // A tap on the Grassmannian's tab shows the disk across the phone's width.
  const Rect tab = tabs.at("sphere");
  h.click(ImVec2(tab.x + tab.w / 2, tab.y + tab.h / 2));
  h.frames(1);
  CHECK(active_panels() == std::vector<std::string>{"sphere"});
  CHECK(h.snapshot()["grassmannian"]["view"] == "disk");
  CHECK(h.snapshot()["grassmannian"]["side"].get<float>() > 300.0f);
  // At 1280 × 800 the same state tiles, and has no tabs; a phone in landscape (844 × 390) has them.
  Harness wide("init=isotropic&dt=0.1");
  wide.frames(2);
  CHECK(wide.app().tab_rects().empty());
  CHECK(active_panels().size() == default_panel_ids().size());
  Harness landscape("init=isotropic&dt=0.1", ImVec2(844, 390));
  landscape.frames(2);
  CHECK(landscape.app().tab_rects().size() == default_panel_ids().size());
  CHECK(active_panels() == std::vector<std::string>{"cosines"});
}

TEST_CASE("the player stops where the last flow ends, says why, and play() goes on from there") {
  // staircase2 from an isotropic start at d = 1000 escapes at t = 3.45 and 6.90 and converges soon after.
  Harness h("init=isotropic&dt=1&panels=cosines");
  h.frames(200);
  nlohmann::json s = h.snapshot();
  CHECK(s["status"] == "converged");
  CHECK_FALSE(s["playing"].get<bool>());
  const double ended = s["t"].get<double>();
  CHECK(ended > 6.9);
  CHECK(ended < 200.0);  // it stopped there, not at 200 frames of dt = 1
  std::vector<nlohmann::json> paused;
  for (const nlohmann::json& e : h.events)
    if (e["type"] == "paused") paused.push_back(e);
  REQUIRE(paused.size() == 1);
  CHECK(paused[0]["reason"] == "converged");
  CHECK(paused[0]["t"].get<double>() == ended);
  h.app().explorer().play();
  h.frames(3);
  s = h.snapshot();
  CHECK(s["playing"].get<bool>());
  CHECK(s["t"].get<double>() == doctest::Approx(ended + 3.0));
  CHECK(h.events.size() == 3);  // two escapes and the one pause: playing on after the end pauses no more
}

TEST_CASE("the sphere panel's title follows a change of r in the frame that shows it") {
  Harness h("link=preset:he3&panels=sphere&dt=0.1");
  h.frames(2);
  h.app().set_state("link=preset:he4sum2");
  h.frames(1);
  REQUIRE(panel_window("sphere") != nullptr);
  CHECK(window_title(panel_window("sphere")) == "Grassmannian: disk of span(W*)");
}

TEST_CASE("compare mode: both objectives in the legend and the snapshot, no label on another") {
  Harness h("compare=1&link=preset:staircase2&d=1000&init=isotropic&dt=0.1&panels=controls,cosines,loss,landscape");
  h.frames(90);
  const nlohmann::json s = h.snapshot();
  REQUIRE(s["runs"].size() == 2);
  CHECK(s["runs"][0]["objective"] == "joint");
  CHECK(s["runs"][1]["objective"] == "planted");
  CHECK(s["t"].get<double>() == doctest::Approx(9.0));
  const PlotRecord* cosines = find_plot("##cosines-plot");
  const PlotRecord* loss = find_plot("##loss-plot");
  REQUIRE(cosines != nullptr);
  REQUIRE(loss != nullptr);
  CHECK(has_text(cosines->legend, "joint (thick)"));
  CHECK(has_text(cosines->legend, "planted (thin)"));
  CHECK(shown(*cosines, "escape 1 (joint)"));
  CHECK(shown(*cosines, "escape 2 (joint)"));
  CHECK(shown(*cosines, "escape level"));
  CHECK(shown(*cosines, "theory: leap 1"));
  CHECK(has_text(loss->legend, "planted"));
  CHECK(shown(*loss, "plateau 0 (joint theory)"));
  check_plot_layout();
}

TEST_CASE("compare mode at r = 4 with equator starts: many markers, still no label on another") {
  for (const char* hash : {"compare=1&link=preset:staircase3&r=4&d=100&init=equator&dt=0.5&panels=cosines,loss",
                           "compare=1&link=preset:he3sum&r=4&d=50&dt=2&axis=linear&panels=cosines,loss,controls"}) {
    const std::string url = hash;
    CAPTURE(url);
    Harness h(url);
    for (int i = 0; i < 6; ++i) {
      h.frames(20);
      REQUIRE(recorded_plots().size() == 2);
      check_plot_layout();
    }
    std::size_t labels = 0;
    for (const PlotRecord& plot : recorded_plots()) labels += plot.labels.size() + plot.dropped.size();
    CHECK(labels >= 5);
  }
}

TEST_CASE("finite samples: the training run is drawn and reported in the snapshot") {
  Harness h("n=2000&d=100&init=isotropic&dt=0.1&panels=controls,cosines,loss");
  h.frames(40);
  const nlohmann::json s = h.snapshot();
  REQUIRE(s.contains("samples"));
  const nlohmann::json& samples = s["samples"];
  for (const char* key :
       {"t", "step", "test_loss", "cosines", "subspace_error", "escape_times", "description", "failure"})
    CHECK_MESSAGE(samples.contains(key), key);
  CHECK(samples["description"].get<std::string>().find("n = 2000") != std::string::npos);
  CHECK(samples["cosines"].size() == 2);
  CHECK(samples["t"].get<double>() > 0.0);
  const PlotRecord* cosines = find_plot("##cosines-plot");
  const PlotRecord* loss = find_plot("##loss-plot");
  REQUIRE(cosines != nullptr);
  REQUIRE(loss != nullptr);
  CHECK(has_text(cosines->legend, "on n samples"));
  CHECK(has_text(loss->legend, "test loss on n samples"));
  check_plot_layout();
}

TEST_CASE("the vertices drawn per frame do not grow with the number of steps recorded before it") {
  // The same view (t-range fixed) after 10^2 and after 10^5 steps of the player to the same time: the runs
  // record the dense output on a fixed grid (and the training run the first step after each grid time), so
  // every window draws as many vertices, up to a few glyphs (4 vertices each: numbers printed for the current
  // point, e.g. -0.00 against 0.00, may differ), where a history drawn whole would differ by thousands.
  const std::string state = "link=preset:staircase2&d=100&n=2000&t-range=0.01,1000&paused=1";
  Harness few(state), many(state);
  for (int i = 0; i < 100; ++i) few.app().explorer().step_by(0.5);
  for (int i = 0; i < 100000; ++i) many.app().explorer().step_by(0.0005);
  CHECK(few.snapshot()["t"].get<double>() == doctest::Approx(50.0));
  CHECK(many.snapshot()["t"].get<double>() == doctest::Approx(50.0));
  few.frames(1);
  const std::map<std::string, int> a = few.drawn_windows();
  many.frames(1);
  const std::map<std::string, int> b = many.drawn_windows();
  REQUIRE(a.size() == b.size());
  for (const auto& drawn : a) {
    INFO(drawn.first);
    CHECK(std::abs(b.at(drawn.first) - drawn.second) <= 4 * 16);
  }
}

TEST_CASE("keyboard: space toggles play, s steps one frame and pauses, r restarts the run") {
  Harness h("init=isotropic&dt=0.1&panels=cosines");
  h.frames(5);
  nlohmann::json s = h.snapshot();
  CHECK(s["playing"] == true);
  CHECK(s["t"].get<double>() == doctest::Approx(0.5));

  h.press_space();  // the frame that sees the key does not advance
  s = h.snapshot();
  CHECK(s["playing"] == false);
  CHECK(s["t"].get<double>() == doctest::Approx(0.5));
  h.frames(3);
  CHECK(h.snapshot()["t"].get<double>() == doctest::Approx(0.5));

  h.type('s');
  s = h.snapshot();
  CHECK(s["playing"] == false);
  CHECK(s["t"].get<double>() == doctest::Approx(0.6));
  h.frames(3);
  CHECK(h.snapshot()["t"].get<double>() == doctest::Approx(0.6));

  h.press_space();
  h.frames(2);
  s = h.snapshot();
  CHECK(s["playing"] == true);
  CHECK(s["t"].get<double>() == doctest::Approx(0.9));

  h.type('r');  // back to t = 0, then this frame's step
  s = h.snapshot();
  CHECK(s["playing"] == true);
  CHECK(s["t"].get<double>() == doctest::Approx(0.1));
  CHECK(s["problems"].empty());
}

TEST_CASE("the snapshot carries the model's fields and the landscape's; a screenshot request is saved") {
  Harness h("link=preset:staircase2&d=1000&init=isotropic&dt=0.1&panels=controls,cosines,loss,landscape,link,matrix");
  h.frames(90);
  const nlohmann::json s = h.snapshot();
  for (const char* key : {"hash", "problems", "playing", "objective", "t", "loss", "cosines", "escape_times", "status",
                          "failure", "rounding_limited", "M", "r", "warnings", "frame_ms", "landscape"})
    CHECK_MESSAGE(s.contains(key), key);
  CHECK(s["hash"] == "init=isotropic&dt=0.1&panels=controls%2Ccosines%2Closs%2Clandscape%2Clink%2Cmatrix");
  CHECK(s["hash"] == h.app().state_hash());
  CHECK(h.published == h.app().state_hash());
  CHECK(s["r"] == 2);
  CHECK(s["M"].size() == 2);
  CHECK(s["frame_ms"]["samples"] == 90);
  // The reference escape times of staircase2 (joint, C(0) = I/d, d = 1000; docs/theory.md §6), reached by t = 9.
  REQUIRE(s["escape_times"].size() == 2);
  CHECK(s["escape_times"][0].get<double>() == doctest::Approx(3.449434632).epsilon(1e-8));
  CHECK(s["escape_times"][1].get<double>() == doctest::Approx(6.900705689).epsilon(1e-8));
  REQUIRE(h.events.size() == 2);
  for (const nlohmann::json& event : h.events) CHECK(event.contains("t"));
  for (const char* key : {"for", "min", "max", "critical_points", "compute_ms"})
    CHECK_MESSAGE(s["landscape"].contains(key), key);

  h.app().request_screenshot("shot.png");
  h.frames(1);
  CHECK(h.saved == std::vector<std::string>{"shot.png image/png"});
  CHECK(h.renderer().counts().captures == 1);
}

TEST_CASE("the panel registry is the one list: URL ids, layout and web/README.md's table agree with it") {
  std::vector<std::string> ids;
  for (const PanelType& type : panel_types()) ids.push_back(type.id);
  CHECK(all_panel_ids() == ids);
  std::string every;
  for (const std::string& id : ids) every += (every.empty() ? "" : ",") + id;
  const ParsedState parsed = parse_state("", "panels=" + every);
  CHECK(parsed.problems.empty());
  CHECK(parsed.state.panels == ids);

  std::ifstream readme(GRASSFLOW_SOURCE_DIR "/web/README.md");
  REQUIRE(readme.good());
  std::string line, row;
  while (std::getline(readme, line))
    if (line.rfind("| `panels` |", 0) == 0) row = line;
  REQUIRE_MESSAGE(!row.empty(), "web/README.md has no row for the `panels` key");
  const std::string lead = "comma-separated: ";
  const std::size_t from = row.find(lead);
  REQUIRE(from != std::string::npos);
  const std::string list = row.substr(from + lead.size(), row.find(" |", from) - from - lead.size());
  std::vector<std::string> documented;
  std::stringstream stream(list);
  for (std::string id; std::getline(stream, id, ',');) {
    id.erase(0, id.find_first_not_of(' '));
    documented.push_back(id);
  }
  CHECK_MESSAGE(documented == ids, "web/README.md lists the panels as '"
                                       << list << "'; the registry (app/panel_registry.h) has '" << every << "'");
}

TEST_CASE("labels never collide: on every preset's default state no label is on another or crosses a curve") {
  for (const grassflow::PresetInfo& preset : grassflow::presets()) {
    const std::string url = "link=preset:" + preset.name + "&panels=cosines,loss";
    CAPTURE(url);
    Harness h(url);
    h.frames(60);  // automatic pace: 0.5 decades a second from 1e-2, so up to t ≈ 0.1 with its first markers
    h.app().explorer().step_by(1e4);  // and the later stages, their escape and theory markers
    h.frames(1);
    REQUIRE(recorded_plots().size() == 2);
    check_plot_layout();
  }
}

TEST_CASE("theme=light: white windows, dark text and the light palette in every panel; the switch is in Controls") {
  Harness h("theme=light&init=isotropic&dt=0.1");
  h.frames(3);
  CHECK(&active_palette() == &palette(Theme::light));
  CHECK(relative_luminance(ImGui::GetColorU32(ImGuiCol_WindowBg)) > 0.9);
  CHECK(relative_luminance(ImGui::GetColorU32(ImGuiCol_Text)) < 0.05);
  CHECK(h.snapshot()["hash"].get<std::string>().find("theme=light") != std::string::npos);
  // Back to dark through the scripting API: the next frame is dark again, and the hash loses the key.
  h.app().set_state("theme=dark");
  h.frames(1);
  CHECK(&active_palette() == &palette(Theme::dark));
  CHECK(relative_luminance(ImGui::GetColorU32(ImGuiCol_WindowBg)) < 0.02);
  CHECK(h.snapshot()["hash"].get<std::string>().find("theme") == std::string::npos);
}

TEST_CASE("scale: automatic for a 1080-pixel-high figure gives 18-pixel text; scale=2 doubles the font") {
  Harness h("init=isotropic&dt=0.1");
  h.frames(1);
  CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize == doctest::Approx(15.0f));  // 800 high: the base size
  CHECK(h.app().prepare_frame(1.0f, 1080.0f));
  CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize >= 18.0f);
  CHECK_FALSE(h.app().prepare_frame(1.0f, 1080.0f));  // unchanged: no rebuild
  h.app().set_state("scale=2");
  CHECK(h.app().prepare_frame(1.0f, 800.0f));
  CHECK(h.app().ui_scale() == 2.0f);
  CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize == doctest::Approx(30.0f));
  h.app().set_state("scale=9");  // out of range: reported, the last good value kept
  CHECK(h.snapshot()["problems"][0].get<std::string>().find("(a number from 0.5 to 4)") != std::string::npos);
  CHECK(h.app().ui_scale() == 2.0f);
}

TEST_CASE("export for slides: a panel's PNG is its window two frames on; its line plots as SVG") {
  Harness h("theme=light&link=preset:staircase2&d=1000&init=isotropic&dt=0.1&panels=cosines,loss,link");
  h.frames(50);
  const ImGuiWindow* cosines = panel_window("cosines");
  REQUIRE(cosines != nullptr);
  const Rect window{cosines->Pos.x, cosines->Pos.y, cosines->Size.x, cosines->Size.y};

  CHECK(h.app().export_panel("cosines", "png"));
  h.frames(1);
  CHECK(h.renderer().counts().captures == 0);  // the frame that asked may show the menu: not that one
  h.frames(1);
  CHECK(h.renderer().counts().captures == 1);
  const Rect captured = h.renderer().counts().captured;
  CHECK(captured.x == window.x);
  CHECK(captured.y == window.y);
  CHECK(captured.w == window.w);
  CHECK(captured.h == window.h);
  CHECK(h.saved.back() == "grassflow-cosines.png image/png");

  const PlotRecord* plot = find_plot("##cosines-plot");
  REQUIRE(plot != nullptr);
  CHECK(h.app().export_panel("cosines", "svg"));
  const std::string& svg = h.saved_bytes["grassflow-cosines.svg"];
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("fill=\"#ffffff\"") != std::string::npos);  // the light theme's window
  std::size_t polylines = 0;
  for (std::size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) ++polylines;
  CHECK(polylines == plot->curves.size());
  for (const PlacedText& label : plot->labels) CHECK(svg.find(label.text.substr(0, 8)) != std::string::npos);
  CHECK(svg.find("t (simulated time)") != std::string::npos);
#ifndef __EMSCRIPTEN__
  // Well-formed XML, by an independent parser.
  const std::string file = "/tmp/grassflow-test-export.svg";
  std::ofstream(file) << svg;
  CHECK(std::system(("/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' " + file)
                        .c_str()) == 0);
#endif
  CHECK_FALSE(h.app().export_panel("link", "svg"));       // no line plot there
  CHECK_FALSE(h.app().export_panel("landscape", "png"));  // not drawn
}

TEST_CASE("the landscape recomputes at half resolution while M moves, and at full resolution once it rests") {
  Harness h("link=preset:staircase2&d=1000&init=isotropic&dt=0.002&panels=landscape");
  h.frames(1);
  CHECK(h.snapshot()["landscape"]["grid"] == 128);  // a new slice: at once, in full
  auto start = std::chrono::steady_clock::now();
  while (h.snapshot()["landscape"]["grid"] != 64 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5))
    h.frames(1);
  CHECK(h.snapshot()["landscape"]["grid"] == 64);
  h.app().explorer().pause();
  start = std::chrono::steady_clock::now();
  while (h.snapshot()["landscape"]["grid"] != 128 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5))
    h.frames(1);
  CHECK(h.snapshot()["landscape"]["grid"] == 128);
}

TEST_CASE("the Reset button restarts the run from t = 0 and keeps the player as it was") {
  Harness h("init=isotropic&dt=0.1&panels=controls,cosines");
  h.frames(10);
  CHECK(h.snapshot()["t"].get<double>() == doctest::Approx(1.0));
  // The player's first row: [Pause] [Step] [Reset], from the window's first content position.
  const ImGuiWindow* controls = panel_window("controls");
  REQUIRE(controls != nullptr);
  const ImGuiStyle& style = ImGui::GetStyle();
  const auto button = [&](const char* label) { return ImGui::CalcTextSize(label).x + 2 * style.FramePadding.x; };
  const float x = controls->DC.CursorStartPos.x + button("Pause") + button("Step") + 2 * style.ItemSpacing.x;
  const ImVec2 reset(x + button("Reset") / 2, controls->DC.CursorStartPos.y + ImGui::GetFrameHeight() / 2);
  h.click(reset);
  nlohmann::json s = h.snapshot();
  CHECK(s["playing"] == true);
  CHECK(s["t"].get<double>() == 0.0);  // the frame of the release: advanced, then reset by the button
  h.frames(1);
  CHECK(h.snapshot()["t"].get<double>() == doctest::Approx(0.1));  // still playing
  h.app().explorer().pause();
  h.frames(2);
  h.click(reset);
  s = h.snapshot();
  CHECK(s["playing"] == false);
  CHECK(s["t"].get<double>() == 0.0);
}
