// [loss] the loss L(t) of each run (and the test loss when training on n samples) on a log scale, with the
// plateaus the joint theory predicts (docs/theory.md §6).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "explorer.h"
#include "panel.h"
#include "widgets.h"

namespace grassflow::app {

namespace {

class LossPanel final : public Panel {
 public:
  const char* title(const Explorer&) const override { return "Loss"; }
  void draw(Explorer& explorer, const PanelFrame& frame) override;
};

void LossPanel::draw(Explorer& explorer, const PanelFrame&) {
  const AppState& state = explorer.state();
  const Simulation& e = *explorer.experiment();
  double top = 1e-12;
  for (const auto& run : e.runs())
    for (const Sample& s : run->history()) top = std::max(top, s.loss);
  Axis y;
  y.log = true;
  y.max = std::pow(10.0, std::ceil(std::log10(top * 1.2)));
  y.min = std::max(1e-12, y.max * 1e-10);
  // The first run in the text colour, the second (compare mode: planted) in orange; the test loss on samples
  // in green (theme.h).
  const Palette& palette = active_palette();
  auto run_colour = [&](std::size_t i) { return palette.run[i == 0 ? 0 : 1]; };
  const ImU32 samples_colour = palette.samples;
  std::vector<LegendEntry> legend;
  for (std::size_t i = 0; i < e.runs().size(); ++i) legend.push_back({e.runs()[i]->objective().name(), run_colour(i)});
  if (e.samples()) legend.push_back({"test loss on n samples", samples_colour});
  Plot plot("##loss-plot", ImGui::GetContentRegionAvail(), time_axis(e, state), y, "t (simulated time)", "loss",
            legend);
  for (std::size_t i = 0; i < e.runs().size(); ++i) {
    const Run& run = *e.runs()[i];
    std::vector<double> ts, ls;
    for (const Sample& s : run.history()) {
      ts.push_back(s.t);
      ls.push_back(std::max(s.loss, 1e-300));
    }
    plot.line(ts, ls, run_colour(i), run_thickness(e, run));
  }
  if (const SampleRun* samples = e.samples()) {
    std::vector<double> ts, ls;
    for (const Sample& s : samples->history()) {
      ts.push_back(s.t);
      ls.push_back(s.loss);
    }
    plot.line(ts, ls, samples_colour, 1.8f);
  }
  const std::vector<double>& plateaus = e.analysis().leaps.plateaus;  // joint theory
  for (std::size_t j = 0; j < plateaus.size(); ++j) {
    char label[48];
    std::snprintf(label, sizeof label, "plateau %zu (joint theory)", j);
    plot.hline(plateaus[j], palette.reference, label);
  }
  if (plot.finish()) ImGui::SetTooltip("t = %.4g\nloss = %.4g", plot.mouse_x(), plot.mouse_y());
}

}  // namespace

std::unique_ptr<Panel> make_loss_panel(Renderer&) {
  return std::make_unique<LossPanel>();
}

}  // namespace grassflow::app
