// The Grassmannian panel's geometry (app/grassmannian.h: the principal frame of span(W*), the learned
// directions' disk coordinates, decimation) and its drawing cost (app/panel_sphere.h: GrassmannianView drawn
// for runs of 10², 10⁴ and 10⁵ recorded samples in an ImGui context of its own, through a NullRenderer).
#include <doctest/doctest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "fonts.h"
#include "grassmannian.h"
#include "panel_sphere.h"
#include "renderer.h"
#include "simulation.h"
#include "state.h"

using namespace grassflow::app;

namespace {

Eigen::Matrix2d rotation(double phi) {
  Eigen::Matrix2d R;
  R << std::cos(phi), -std::sin(phi), std::sin(phi), std::cos(phi);
  return R;
}

// A synthetic recorded trajectory of `samples` points over t ∈ [0, 10] for r directions: principal cosines
// rising one after another from 0.03 to 1 (sigmoids), with the learner's and the target's frames turning, so
// that every path moves in the disk. Only its length matters to the cost test.
std::vector<Sample> synthetic_history(int r, int samples) {
  std::vector<Sample> history;
  history.reserve(static_cast<std::size_t>(samples));
  for (int k = 0; k < samples; ++k) {
    const double t = 10.0 * k / (samples - 1);
    Eigen::VectorXd c(r);
    for (int j = 0; j < r; ++j) c(j) = 0.03 + 0.97 / (1.0 + std::exp(-3.0 * (t - 2.0 - 2.0 * j)));
    Eigen::MatrixXd P = Eigen::MatrixXd::Identity(r, r), Q = Eigen::MatrixXd::Identity(r, r);
    if (r >= 2) {
      P.topLeftCorner(2, 2) = rotation(0.2 * t);
      Q.bottomRightCorner(2, 2) = rotation(-0.1 * t);
    }
    Sample s;
    s.t = t;
    s.M = P * c.asDiagonal() * Q.transpose();
    std::vector<double> cosines(c.data(), c.data() + r);
    std::sort(cosines.rbegin(), cosines.rend());
    s.cosines = cosines;
    history.push_back(s);
  }
  return history;
}

// What `view` drew for `run` in a 640×480 window (a context of its own, no backend): ImGui's vertices, and the
// text of its items (ImGui's log, on while the window is open).
struct Drawing {
  int vertices = 0;
  std::string text;
};
Drawing draw_view(GrassmannianView& view, const GrassmannianTrajectory& run) {
  Drawing out;
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(640, 480));
  ImGui::Begin("view");
  ImGui::LogToBuffer();
  view.draw(run, 1.0f);
  out.text = ImGui::GetCurrentContext()->LogBuffer.c_str();
  ImGui::LogFinish();
  ImGui::End();
  ImGui::Render();
  const ImDrawData* data = ImGui::GetDrawData();
  for (int i = 0; i < data->CmdListsCount; ++i)
    if (std::string(data->CmdLists[i]->_OwnerName) == "view") out.vertices += data->CmdLists[i]->VtxBuffer.Size;
  return out;
}

}  // namespace

TEST_CASE("disk coordinates: the rows of M in the principal frame, at radius cos ∠(w_i, span W*)") {
  SUBCASE("M = diag(0.6, 0.8) with the target frame rotated: the rows land on the principal axes") {
    const Eigen::MatrixXd M = Eigen::Vector2d(0.6, 0.8).asDiagonal() * rotation(0.7).transpose();
    const Eigen::MatrixXd V = principal_frame(M);
    CHECK((V.transpose() * V - Eigen::Matrix2d::Identity()).norm() < 1e-12);
    const Eigen::MatrixXd c = disk_coordinates(M, V);
    // Direction 2 (overlap 0.8) along v1, direction 1 (0.6) along v2, both on the positive side.
    CHECK(c(1, 0) == doctest::Approx(0.8).epsilon(1e-12));
    CHECK(std::fabs(c(1, 1)) < 1e-12);
    CHECK(std::fabs(c(0, 0)) < 1e-12);
    CHECK(c(0, 1) == doctest::Approx(0.6).epsilon(1e-12));
  }
  SUBCASE("a general M: radii are the rows' norms, the columns' norms the singular values; frame-independent") {
    const Eigen::MatrixXd M = rotation(0.3) * Eigen::Vector2d(0.9, 0.2).asDiagonal() * rotation(-1.1).transpose();
    const Eigen::MatrixXd c = disk_coordinates(M, principal_frame(M));
    for (int i = 0; i < 2; ++i) CHECK(c.row(i).norm() == doctest::Approx(M.row(i).norm()).epsilon(1e-12));
    CHECK(c.col(0).norm() == doctest::Approx(0.9).epsilon(1e-12));
    CHECK(c.col(1).norm() == doctest::Approx(0.2).epsilon(1e-12));
    // M = UΣVᵀ with U = R(0.3): MV = UΣ, each column's largest entry made positive.
    CHECK(c(0, 0) == doctest::Approx(0.9 * std::cos(0.3)).epsilon(1e-12));
    CHECK(c(0, 1) == doctest::Approx(-0.2 * std::sin(0.3)).epsilon(1e-12));
    CHECK(c(1, 0) == doctest::Approx(0.9 * std::sin(0.3)).epsilon(1e-12));
    CHECK(c(1, 1) == doctest::Approx(0.2 * std::cos(0.3)).epsilon(1e-12));
    // Rotating the target frame (M → MR) moves nothing in the disk.
    const Eigen::MatrixXd rotated = M * rotation(2.0);
    CHECK((disk_coordinates(rotated, principal_frame(rotated)) - c).norm() < 1e-12);
  }
  SUBCASE("with_row_at puts direction k at the given point of the disk, the others where they were") {
    const Eigen::MatrixXd M = rotation(0.3) * Eigen::Vector2d(0.9, 0.2).asDiagonal();
    const Eigen::MatrixXd V = principal_frame(M);
    const Eigen::Vector2d p(-0.25, 0.5);
    const Eigen::MatrixXd c = disk_coordinates(with_row_at(M, 1, p, V), V);
    CHECK((c.row(1).transpose() - p).norm() < 1e-12);
    CHECK((c.row(0) - disk_coordinates(M, V).row(0)).norm() < 1e-12);
  }
}

TEST_CASE("decimate: at most the bound, first and last kept, ascending, in O(bound)") {
  CHECK(decimate(0, 10).empty());
  CHECK(decimate(1, 10) == std::vector<std::size_t>{0});
  CHECK(decimate(5, 10) == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK(decimate(10, 4) == std::vector<std::size_t>{0, 3, 6, 9});
  for (std::size_t count : {2u, 3u, 1999u, 2000u, 2001u, 100000u, 12345678u}) {
    CAPTURE(count);
    const std::vector<std::size_t> kept = decimate(count, 2000);
    CHECK(kept.size() == std::min<std::size_t>(count, 2000));
    CHECK(kept.front() == 0);
    CHECK(kept.back() == count - 1);
    for (std::size_t i = 1; i < kept.size(); ++i) CHECK(kept[i] > kept[i - 1]);
  }
}

TEST_CASE("the Grassmannian view for r = 1, 2, 3, 5: a picture for every r, the same cost after 10² or 10⁵ samples") {
  ImGuiContext* context = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(800, 600);
  io.DeltaTime = 1.0f / 60.0f;
  configure_ui(1.0f);
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(1)));
  {
    struct Case {
      const char* hash;
      const char* view;
      const char* words;  // in the caption
    };
    NullRenderer renderer;
    for (const Case& c : {Case{"link=preset:he3&d=1000", "sphere", "loss on the sphere"},
                          Case{"link=preset:staircase2&d=1000&init=isotropic", "disk", "w1 moved, w2 fixed"},
                          Case{"link=preset:staircase3&d=1000&init=isotropic", "ball", "seen along v3"},
                          Case{"link=preset:he3sum&r=5&d=100", "parallel", "parallel coordinates"}}) {
      const std::string url = c.hash;
      CAPTURE(url);
      const ParsedState parsed = parse_state("", url);
      REQUIRE(parsed.problems.empty());
      const Simulation experiment(parsed.state);
      const grassflow::Objective& objective = experiment.active().objective();
      const int r = objective.r();
      const std::vector<Sample> h_few = synthetic_history(r, 100), h_many = synthetic_history(r, 10000),
                                h_most = synthetic_history(r, 100000);
      const GrassmannianTrajectory few(objective, h_few, &h_few), many(objective, h_many, &h_few),
          most(objective, h_most, &h_few);
      GrassmannianView view(renderer);
      const Drawing d_few = draw_view(view, few);
      const GrassmannianDrawn drawn_few = view.drawn();
      const Drawing d_many = draw_view(view, many);
      const Drawing d_most = draw_view(view, most);
      const GrassmannianDrawn drawn_most = view.drawn();
      CHECK(drawn_most.view == c.view);
      CHECK_MESSAGE(d_most.text.find(c.words) != std::string::npos, d_most.text);
      // The old panel said that it did not apply beyond r = 1; nothing says so any more.
      CHECK(d_most.text.find("single-index targets") == std::string::npos);
      CHECK(d_most.text.find("does not apply") == std::string::npos);
      CAPTURE(d_few.vertices);
      CAPTURE(d_many.vertices);
      CAPTURE(d_most.vertices);
      CHECK(drawn_few.path_points == 100);
      CHECK(drawn_most.path_points == drawn_most.max_path_points);
      CHECK(drawn_most.max_path_points <= 2000);
      CHECK(d_few.vertices > 300);
      // Past the bound the drawing no longer depends on the history's length (the sphere's front/back split
      // of its path may differ by a few runs).
      CHECK(std::abs(d_most.vertices - d_many.vertices) <= 64);
      // From 10² to 10⁵ samples it grows by at most the bound's extra points: an outlined anti-aliased polyline
      // takes two passes of at most 4 vertices a point.
      CHECK(d_most.vertices - d_few.vertices <=
            8 * drawn_most.points_per_sample * (drawn_most.max_path_points - 100) + 64);
    }
  }
  ImGui::DestroyContext(context);
}
