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
  float thickness = 2.5f;  ///< of its swatch (pixels): the curve's, where thickness tells curves apart
};

/// A text a plot placed, and its box (screen pixels).
struct PlacedText {
  std::string text;
  Rect rect;
};

/// A polyline a plot drew (screen pixels, inside the plotting area after clipping), with its style.
struct DrawnCurve {
  std::vector<ImVec2> points;
  ImU32 colour = 0;
  float thickness = 1.0f;
  bool reference = false;  ///< a marker or reference line (vline, hline), not data
  bool dashed = false;
};

/// What one Plot placed: kept for the frame so that tests can check the layout of real frames (no label on
/// another, none crossing a curve or a reference line, labels inside the plotting area, the legend above it) and
/// so that the plot can be written as SVG (plot_svg).
struct PlotRecord {
  std::string id;                  ///< the Plot's ImGui id, e.g. "##cosines-plot"
  Rect bounds;                     ///< the whole plot: area, ticks, titles and legend
  Rect area;                       ///< the plotting area
  Axis x, y;                       ///< its axes
  float font = 0;                  ///< the font size it was drawn with (pixels)
  std::string x_label, y_label;    ///< axis titles
  std::vector<PlacedText> legend;  ///< legend entries, swatch and name
  std::vector<ImU32> legend_colours;
  std::vector<PlacedText> labels;  ///< marker and reference-line labels where they were placed (padding included)
  std::vector<ImU32> label_colours;
  std::vector<std::string> dropped;  ///< labels with no free place, listed in the notes line below the plot
  std::string notes;  ///< that line as drawn: "labels: a; b", ending "; +2 more" where the rest did not fit
  std::vector<DrawnCurve> curves;  ///< data curves and reference lines, in drawing order
};

/// Whether the segment a–b meets the rectangle (its interior or edges).
bool segment_meets(ImVec2 a, ImVec2 b, const Rect& r);

/// The plot as a standalone SVG document (its area, ticks, curves, labels and legend, in the colours drawn,
/// on a `background` of the theme), for slides. Coordinates are the record's screen pixels, shifted to the plot.
std::string plot_svg(const PlotRecord& plot, ImU32 background, ImU32 text);

/// The plots finished in the current ImGui frame of the current context (after ImGui::Render: the frame just
/// rendered), in drawing order.
const std::vector<PlotRecord>& recorded_plots();

class Plot {
 public:
  /// Reserves `size` pixels (ImGui item) and draws the frame, grid, tick labels and the legend: its entries
  /// in rows above the plotting area, right of the y label (the area shrinks by the rows it takes).
  Plot(const char* id, ImVec2 size, Axis x, Axis y, const char* x_label, const char* y_label,
       const std::vector<LegendEntry>& legend = {});

  /// A polyline through (xs[i], ys[i]); points outside a log axis' domain are skipped (x = 0 on a log x axis is
  /// drawn at its left edge: where a trajectory starts), the rest clipped; a single point is drawn as a dot.
  void line(const std::vector<double>& xs, const std::vector<double>& ys, ImU32 colour, float thickness = 2.0f);
  /// A vertical marker at x, labelled near the top, beside the marker; nothing when x is beyond the axis.
  /// `short_label` (optional) is tried where the label does not fit. Labels are placed by finish().
  void vline(double x, ImU32 colour, const char* label, bool dashed = true, const char* short_label = nullptr);
  /// A horizontal reference line at y, labelled just above (or below) it, from the left; nothing when y is
  /// beyond the axis. Labels are placed by finish().
  void hline(double y, ImU32 colour, const char* label, const char* short_label = nullptr);
  /// A filled point.
  void point(double x, double y, ImU32 colour, float radius = 4.0f);
  /// Places the labels of vline and hline, one at a time in the order they were asked for, each at the first
  /// free place near its line: inside the plotting area, on no other label, crossing no curve and no reference
  /// line (its own included). A label identical to an earlier one is merged into it ("(×2)"). Where the label
  /// finds no place its short form is tried; where neither fits, it is dropped from the plot and listed in a notes
  /// line under it, in its colour. Then ends the plot (adding its PlotRecord to recorded_plots()) and, when
  /// hovered, draws a crosshair at the mouse. Returns true if hovered.
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
  struct PendingLabel {
    std::string text, short_text;
    ImU32 colour;
    bool vertical;  // beside a vline at `at` (x), else above or below an hline at `at` (y)
    float at;
    int count = 1;
  };
  std::vector<PendingLabel> pending_;
  PlotRecord record_;
  ImVec2 notes_at_;                    // where the notes line (dropped labels) starts
  Rect area() const;                   // the plotting area as a Rect
  void label_backing(const Rect& at);  // the plot's background under a label placed at `at`
  double unit(const Axis& a, double v) const;
  double from_unit(const Axis& a, double u) const;
};

}  // namespace grassflow::app
