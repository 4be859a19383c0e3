// A small plotting module on ImDrawList (ImPlot is not packaged for Debian's ImGui 1.86): axes with
// "nice" ticks on linear or log₁₀ scales, polylines, vertical markers, points, a legend, and a hover readout.
// Usage per frame:  Plot p("##cos", size, {xmin, xmax, log}, {ymin, ymax, false}, "t", "cos θ");
//                   p.line(xs, ys, colour); p.vline(t_escape, colour, "escape 1"); p.finish();
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace grassflow::app {

struct Axis {
  double min = 0, max = 1;
  bool log = false;  ///< log₁₀ scale; requires 0 < min < max
};

/// Nice tick positions covering [min, max]: 1-2-5 steps on a linear axis, powers of ten (thinned to at
/// most `max_ticks`) on a log axis.
std::vector<double> nice_ticks(const Axis& axis, int max_ticks);
/// Short tick label: "1e-3", "250", "0.5".
std::string tick_label(double value);

class Plot {
 public:
  /// Reserves `size` pixels (ImGui item) and draws the frame, grid and tick labels.
  Plot(const char* id, ImVec2 size, Axis x, Axis y, const char* x_label, const char* y_label);

  /// A polyline through (xs[i], ys[i]); points outside a log axis' domain are skipped, the rest clipped.
  void line(const std::vector<double>& xs, const std::vector<double>& ys, ImU32 colour, float thickness = 2.0f);
  /// A vertical marker at x with a label at the top, on text row `row` (0 = top) so that labels of nearby
  /// markers do not overlap.
  void vline(double x, ImU32 colour, const char* label, bool dashed = true, int row = 0);
  /// A horizontal reference line at y.
  void hline(double y, ImU32 colour, const char* label);
  /// A filled point.
  void point(double x, double y, ImU32 colour, float radius = 4.0f);
  /// Adds an entry to the legend drawn by finish() (top-right, or bottom-right after legend_at_bottom()).
  void legend(const char* name, ImU32 colour);
  void legend_at_bottom() { legend_bottom_ = true; }
  /// Draws the legend and, when hovered, a crosshair with the data coordinates. Returns true if hovered.
  bool finish();

  ImVec2 to_screen(double x, double y) const;
  bool hovered() const { return hovered_; }
  /// Data coordinates under the mouse (valid when hovered()).
  double mouse_x() const { return mouse_x_; }
  double mouse_y() const { return mouse_y_; }

 private:
  ImDrawList* draw_;
  ImVec2 min_, max_;  // plotting area in screen pixels
  Axis x_, y_;
  bool hovered_ = false;
  bool legend_bottom_ = false;
  double mouse_x_ = 0, mouse_y_ = 0;
  std::vector<std::pair<std::string, ImU32>> legend_;
  double unit(const Axis& a, double v) const;
  double from_unit(const Axis& a, double u) const;
};

/// Distinguishable line colours (Okabe–Ito, colour-blind safe), cycled by index.
ImU32 series_colour(int index);

}  // namespace grassflow::app
