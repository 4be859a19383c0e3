// A small plotting module on ImDrawList (ImPlot is not packaged for Debian's ImGui 1.86): axes with
// "nice" ticks on linear or log₁₀ scales, polylines, vertical markers, points, a legend above the plotting
// area (it never covers a curve), and a hover readout. Marker labels are placed so that none covers another.
// Usage per frame:  Plot p("##cos", size, {xmin, xmax, log}, {ymin, ymax, false}, "t", "cos θ", {{"cos θ1", c}});
//                   p.line(xs, ys, colour); p.vline(t_escape, colour, "escape 1"); p.finish();
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

#include "layout.h"
#include "theme.h"

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

struct LegendEntry {
  std::string name;
  ImU32 colour;
};

/// A text a plot placed, and its box (screen pixels).
struct PlacedText {
  std::string text;
  Rect rect;
};

/// What one Plot placed: kept for the frame so that tests can check the layout of real frames (no label on
/// another, labels inside the plotting area, the legend above it).
struct PlotRecord {
  std::string id;                  ///< the Plot's ImGui id, e.g. "##cosines-plot"
  Rect area;                       ///< the plotting area
  std::vector<PlacedText> legend;  ///< legend entries, swatch and name
  std::vector<PlacedText> labels;  ///< marker and reference-line labels where place_label put them (padding included)
};

/// The plots finished in the current ImGui frame of the current context (after ImGui::Render: the frame just
/// rendered), in drawing order.
const std::vector<PlotRecord>& recorded_plots();

class Plot {
 public:
  /// Reserves `size` pixels (ImGui item) and draws the frame, grid, tick labels and the legend: its entries
  /// in rows above the plotting area, right of the y label (the area shrinks by the rows it takes).
  Plot(const char* id, ImVec2 size, Axis x, Axis y, const char* x_label, const char* y_label,
       const std::vector<LegendEntry>& legend = {});

  /// A polyline through (xs[i], ys[i]); points outside a log axis' domain are skipped, the rest clipped.
  void line(const std::vector<double>& xs, const std::vector<double>& ys, ImU32 colour, float thickness = 2.0f);
  /// A vertical marker at x with a label near the top, right of the marker (left of it at the right edge),
  /// moved down past the labels already placed; nothing when x is beyond the axis.
  void vline(double x, ImU32 colour, const char* label, bool dashed = true);
  /// A horizontal reference line at y with a label just above it at the left (below it at the top of the
  /// plot), moved right past the labels already placed; nothing when y is beyond the axis.
  void hline(double y, ImU32 colour, const char* label);
  /// A filled point.
  void point(double x, double y, ImU32 colour, float radius = 4.0f);
  /// Ends the plot (and adds its PlotRecord to recorded_plots()); when hovered, draws a crosshair at the
  /// mouse. Returns true if hovered.
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
  double mouse_x_ = 0, mouse_y_ = 0;
  std::vector<Rect> labels_;  // the marker labels placed so far (screen pixels)
  PlotRecord record_;
  Rect area() const;                   // the plotting area as a Rect
  void label_backing(const Rect& at);  // the plot's background under a label placed at `at`
  double unit(const Axis& a, double v) const;
  double from_unit(const Axis& a, double u) const;
};

}  // namespace grassflow::app
