// [cosines] principal cosines cos θ_i(t) on a log or linear time axis, with the escape times measured by the
// core and the time scales the theory predicts from the leaps (docs/theory.md §6).
#include <cmath>
#include <cstdio>

#include "explorer.h"
#include "grassflow/time_scales.h"
#include "panel.h"
#include "widgets.h"

namespace grassflow::app {

namespace {

class CosinesPanel final : public Panel {
 public:
  const char* title(const Explorer&) const override { return "Principal cosines"; }
  void draw(Explorer& explorer, const PanelFrame& frame) override;
};

void CosinesPanel::draw(Explorer& explorer, const PanelFrame&) {
  const AppState& state = explorer.state();
  const Simulation& e = *explorer.experiment();
  const int r = e.analysis().r();
  Axis y;
  y.log = false;
  y.min = 0.0;
  y.max = 1.02;
  // Colour = direction; in compare mode the objective shown is thick and the other thin (a palette split
  // between the runs ran out of colours at r = 4; a pale one fell below 4.5:1 contrast, theme.h).
  const Palette& palette = active_palette();
  std::vector<LegendEntry> legend;
  for (int k = 0; k < r; ++k) legend.push_back({"cos θ" + std::to_string(k + 1), series_colour(k)});
  if (e.runs().size() > 1)
    for (const auto& run : e.runs()) {
      const bool shown = &*run == &e.active();
      legend.push_back({std::string(run->objective().name()) + (shown ? " (thick)" : " (thin)"), palette.text,
                        run_thickness(e, *run)});
    }
  // The training run is a wide translucent band under the population's curves.
  if (e.samples()) legend.push_back({"on n samples (wide, pale)", palette.reference});
  Plot plot("##cosines-plot", ImGui::GetContentRegionAvail(), time_axis(e, state), y, "t (simulated time)", "cos θ",
            legend);
  // First, at its place on the left: the markers' labels, placed after it, step down past it.
  plot.hline(std::sqrt(0.5), palette.reference, "escape level cos²θ = ½");
  for (const auto& run : e.runs()) {
    std::vector<double> ts;
    std::vector<std::vector<double>> cos(static_cast<std::size_t>(r));
    for (const Sample& s : run->history()) {
      ts.push_back(s.t);
      for (int k = 0; k < r; ++k) cos[static_cast<std::size_t>(k)].push_back(s.cosines[static_cast<std::size_t>(k)]);
    }
    auto colour = [&](int k) { return series_colour(k); };
    for (int k = 0; k < r; ++k) plot.line(ts, cos[static_cast<std::size_t>(k)], colour(k), run_thickness(e, *run));
    const auto escapes = run->shown_escapes();
    for (std::size_t k = 0; k < escapes.size(); ++k)
      if (escapes[k]) {
        char label[72];
        std::snprintf(
            label, sizeof label, "escape %zu%s%s", k + 1,
            e.runs().size() > 1 ? (run->objective().kind() == ObjectiveKind::joint ? " (joint)" : " (planted)") : "",
            run->flow().rounding_limited()[k] ? " (set by rounding)" : "");
        plot.vline(*escapes[k], colour(static_cast<int>(k)), label, true);
      }
  }
  if (const SampleRun* samples = e.samples()) {
    // The empirical trajectory on n samples, translucent over the population's.
    std::vector<double> ts;
    std::vector<std::vector<double>> cos(static_cast<std::size_t>(r));
    for (const Sample& s : samples->history()) {
      ts.push_back(s.t);
      for (int k = 0; k < r; ++k) cos[static_cast<std::size_t>(k)].push_back(s.cosines[static_cast<std::size_t>(k)]);
    }
    for (int k = 0; k < r; ++k)
      plot.line(ts, cos[static_cast<std::size_t>(k)], (series_colour(k) & 0x00FFFFFF) | 0x90000000, 4.0f);
  }
  // Predicted scales, labelled with the objective they are for.
  const bool planted = e.active().objective().kind() == ObjectiveKind::planted;
  const bool equator =
      state.M0.empty() && state.init == Start::equator && state.eps > 0.0;  // scales from the start's ε, not 1/√d
  const LinkAnalysis& a = e.analysis();
  const std::optional<double> eps = equator ? std::optional<double>(state.eps) : std::nullopt;
  const std::vector<int>& leaps = a.leaps.leaps;
  // Each marker sits where its stage ends: the planted first escape, the joint stages' cumulative escapes.
  std::vector<double> scales, at;
  if (!planted) {
    scales = joint_stage_durations(a.expansion, a.leaps, state.d, eps);
    at = joint_escape_times(a.expansion, a.leaps, state.d, eps);
  } else if (const std::optional<double> first = planted_first_escape_time(a.information_exponent, state.d)) {
    scales = at = {*first};
  }
  for (std::size_t j = 0; j < scales.size(); ++j) {
    char label[64], short_label[48];
    std::snprintf(short_label, sizeof short_label, "theory%s %.3g", planted ? " (planted)" : "", scales[j]);
    if (planted)
      std::snprintf(label, sizeof label, "theory (planted): first escape ~ %.3g", scales[j]);
    else if (leaps[j] == 1)
      std::snprintf(label, sizeof label, "theory: leap 1, %s/(2α²) = %.3g", equator ? "ln(1/ε²)" : "ln d", scales[j]);
    else
      std::snprintf(label, sizeof label, "theory: leap %d, %s^%d/(%dα²) = %.3g", leaps[j], equator ? "(1/ε²)" : "d",
                    leaps[j] - 1, 2 * leaps[j] * (leaps[j] - 1), scales[j]);
    plot.vline(at[j], palette.reference, label, false, short_label);
  }
  if (plot.finish()) ImGui::SetTooltip("t = %.4g\ncos = %.4g", plot.mouse_x(), plot.mouse_y());
}

}  // namespace

std::unique_ptr<Panel> make_cosines_panel(Renderer&) {
  return std::make_unique<CosinesPanel>();
}

}  // namespace grassflow::app
