#include "plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

namespace grassflow::app {

std::vector<double> nice_ticks(const Axis& a, int max_ticks) {
  std::vector<double> ticks;
  if (!(a.max > a.min)) return ticks;
  if (a.log) {
    const int lo = static_cast<int>(std::ceil(std::log10(a.min) - 1e-9));
    const int hi = static_cast<int>(std::floor(std::log10(a.max) + 1e-9));
    const int stride = std::max(1, (hi - lo + max_ticks) / std::max(1, max_ticks));
    for (int e = lo; e <= hi; ++e)
      if ((e - lo) % stride == 0) ticks.push_back(std::pow(10.0, e));
    return ticks;
  }
  const double raw = (a.max - a.min) / std::max(1, max_ticks);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  for (double v = std::ceil(a.min / step) * step; v <= a.max + 1e-9 * step; v += step)
    ticks.push_back(std::fabs(v) < 1e-12 * step ? 0.0 : v);
  return ticks;
}

std::string tick_label(double v) {
  char buffer[32];
  const double av = std::fabs(v);
  if (v == 0) return "0";
  if (av >= 1e4 || av < 1e-3) {  // "1e4", never printf's "1e+04"
    const int e = static_cast<int>(std::floor(std::log10(av) + 1e-9));
    const double mantissa = v / std::pow(10.0, e);
    if (std::fabs(mantissa - std::round(mantissa)) < 1e-6 && std::fabs(std::round(mantissa)) == 1.0)
      std::snprintf(buffer, sizeof buffer, "%s1e%d", mantissa < 0 ? "-" : "", e);
    else
      std::snprintf(buffer, sizeof buffer, "%.3ge%d", mantissa, e);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
  }
  return buffer;
}

namespace {

struct FrameRecords {
  const ImGuiContext* context = nullptr;
  int frame = -1;
  std::vector<PlotRecord> plots;
};

// The records of the current frame, emptied when the frame (or the ImGui context) has changed.
FrameRecords& frame_records() {
  static FrameRecords records;
  if (records.context != ImGui::GetCurrentContext() || records.frame != ImGui::GetFrameCount()) {
    records.context = ImGui::GetCurrentContext();
    records.frame = ImGui::GetFrameCount();
    records.plots.clear();
  }
  return records;
}

}  // namespace

const std::vector<PlotRecord>& recorded_plots() {
  return frame_records().plots;
}

double Plot::unit(const Axis& a, double v) const {
  if (a.log) return (std::log10(v) - std::log10(a.min)) / (std::log10(a.max) - std::log10(a.min));
  return (v - a.min) / (a.max - a.min);
}

double Plot::from_unit(const Axis& a, double u) const {
  if (a.log) return std::pow(10.0, std::log10(a.min) + u * (std::log10(a.max) - std::log10(a.min)));
  return a.min + u * (a.max - a.min);
}

Plot::Plot(const char* id, ImVec2 size, Axis x, Axis y, const char* x_label, const char* y_label,
           const std::vector<LegendEntry>& legend)
    : draw_(ImGui::GetWindowDrawList()), x_(x), y_(y) {
  const Palette& palette = active_palette();
  record_.id = id;
  record_.x_label = x_label;
  record_.y_label = y_label;
  if (x_.log && !(x_.min > 0)) x_.min = x_.max > 0 ? x_.max * 1e-6 : 1e-6;
  if (y_.log && !(y_.min > 0)) y_.min = y_.max > 0 ? y_.max * 1e-6 : 1e-6;
  if (!(x_.max > x_.min)) x_.max = x_.log ? x_.min * 10 : x_.min + 1;
  if (!(y_.max > y_.min)) y_.max = y_.log ? y_.min * 10 : y_.min + 1;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  size.x = std::max(size.x, 80.0f);
  size.y = std::max(size.y, 60.0f);
  ImGui::InvisibleButton(id, size);
  hovered_ = ImGui::IsItemHovered();
  const float font = ImGui::GetFontSize();
  // The legend: swatch and name per entry, in rows from the right of the y label to the right edge.
  const float swatch = 1.5f * font, line = 1.2f * font;
  const float legend_x = origin.x + ImGui::CalcTextSize(y_label).x + 1.5f * font;
  std::vector<float> widths;
  for (const LegendEntry& entry : legend) widths.push_back(swatch + ImGui::CalcTextSize(entry.name.c_str()).x);
  const std::vector<Rect> boxes = legend_layout(widths, line, font, origin.x + size.x - 0.8f * font - legend_x);
  const float legend_height = boxes.empty() ? 0.0f : boxes.back().y + line;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const ImVec2 at(legend_x + boxes[i].x, origin.y + boxes[i].y);
    draw_->AddLine(ImVec2(at.x, at.y + font / 2), ImVec2(at.x + 1.2f * font, at.y + font / 2), legend[i].colour,
                   legend[i].thickness);
    draw_->AddText(ImVec2(at.x + swatch, at.y), palette.text, legend[i].name.c_str());
    record_.legend.push_back({legend[i].name, {at.x, at.y, boxes[i].w, boxes[i].h}});
    record_.legend_colours.push_back(legend[i].colour);
  }
  min_ = ImVec2(origin.x + 4.2f * font, origin.y + std::max(0.6f * font, legend_height + 0.3f * font));
  max_ = ImVec2(origin.x + size.x - 0.8f * font, origin.y + size.y - 2.4f * font);
  max_.y = std::max(max_.y, min_.y + font);
  const ImU32 frame = palette.plot_frame, grid = palette.grid, text = palette.text_dim;
  draw_->AddRectFilled(min_, max_, palette.plot_background);
  for (double t : nice_ticks(x_, std::max(2, static_cast<int>((max_.x - min_.x) / (6 * font))))) {
    const float px = to_screen(t, y_.min).x;
    draw_->AddLine(ImVec2(px, min_.y), ImVec2(px, max_.y), grid);
    const std::string label = tick_label(t);
    draw_->AddText(ImVec2(px - ImGui::CalcTextSize(label.c_str()).x / 2, max_.y + 0.2f * font), text, label.c_str());
  }
  for (double t : nice_ticks(y_, std::max(2, static_cast<int>((max_.y - min_.y) / (2.5f * font))))) {
    const float py = to_screen(x_.min, t).y;
    draw_->AddLine(ImVec2(min_.x, py), ImVec2(max_.x, py), grid);
    const std::string label = tick_label(t);
    draw_->AddText(ImVec2(min_.x - ImGui::CalcTextSize(label.c_str()).x - 0.3f * font, py - font / 2), text,
                   label.c_str());
  }
  draw_->AddRect(min_, max_, frame);
  notes_at_ = ImVec2(min_.x, max_.y + 1.2f * font);  // the x label's row: finish() draws both
  draw_->AddText(ImVec2(origin.x, origin.y), text, y_label);
  record_.x = x_;
  record_.y = y_;
  record_.font = font;
  record_.bounds = {origin.x, origin.y, size.x, size.y};
  if (hovered_) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    mouse_x_ = from_unit(x_, (m.x - min_.x) / (max_.x - min_.x));
    mouse_y_ = from_unit(y_, (max_.y - m.y) / (max_.y - min_.y));
  }
  draw_->PushClipRect(min_, max_, true);
}

ImVec2 Plot::to_screen(double x, double y) const {
  const double ux = unit(x_, x), uy = unit(y_, y);
  return ImVec2(static_cast<float>(min_.x + ux * (max_.x - min_.x)),
                static_cast<float>(max_.y - uy * (max_.y - min_.y)));
}

void Plot::line(const std::vector<double>& xs, const std::vector<double>& ys, ImU32 colour, float thickness) {
  std::vector<ImVec2> points;
  points.reserve(xs.size());
  auto flush = [&] {
    if (points.size() >= 2) {
      draw_->AddPolyline(points.data(), static_cast<int>(points.size()), colour, 0, thickness);
      record_.curves.push_back({points, colour, thickness, false, false});
    }
    points.clear();
  };
  for (std::size_t i = 0; i < std::min(xs.size(), ys.size()); ++i) {
    // t = 0 on a log axis is drawn at its left edge: a run's start shows, and a figure paused at t = 0 shows it.
    const double x = x_.log && xs[i] == 0.0 ? x_.min : xs[i];
    const bool valid = std::isfinite(x) && std::isfinite(ys[i]) && (!x_.log || x > 0) && (!y_.log || ys[i] > 0);
    if (!valid) {
      flush();
      continue;
    }
    ImVec2 p = to_screen(x, ys[i]);
    // Keep far-away points finite for the rasteriser; the clip rectangle does the rest.
    p.x = std::clamp(p.x, min_.x - 1e4f, max_.x + 1e4f);
    p.y = std::clamp(p.y, min_.y - 1e4f, max_.y + 1e4f);
    points.push_back(p);
  }
  if (points.size() == 1) draw_->AddCircleFilled(points[0], thickness + 1.5f, colour);  // a curve of one point
  flush();
}

void Plot::vline(double x, ImU32 colour, const char* label, bool dashed, const char* short_label) {
  if (!std::isfinite(x) || (x_.log && x <= 0)) return;
  const float px = to_screen(x, y_.min).x;
  if (px < min_.x || px > max_.x) return;  // beyond the axis (a later stage's marker): no line, no label
  if (dashed) {
    for (float y = min_.y; y < max_.y; y += 8.0f)
      draw_->AddLine(ImVec2(px, y), ImVec2(px, std::min(y + 4.0f, max_.y)), colour, 1.5f);
  } else {
    draw_->AddLine(ImVec2(px, min_.y), ImVec2(px, max_.y), colour, 1.5f);
  }
  record_.curves.push_back({{ImVec2(px, min_.y), ImVec2(px, max_.y)}, colour, 1.5f, true, dashed});
  if (label && *label) pending_.push_back({label, short_label ? short_label : "", colour, true, px});
}

void Plot::label_backing(const Rect& at) {
  // Translucent: a curve under the label stays visible, dimmed, and the text keeps most of its contrast.
  draw_->AddRectFilled(ImVec2(at.x, at.y), ImVec2(at.x + at.w, at.y + at.h),
                       (active_palette().plot_background & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 160));
}

Rect Plot::area() const {
  return {min_.x, min_.y, max_.x - min_.x, max_.y - min_.y};
}

void Plot::hline(double y, ImU32 colour, const char* label, const char* short_label) {
  if (!std::isfinite(y) || (y_.log && y <= 0)) return;
  const float py = to_screen(x_.min, y).y;
  if (py < min_.y || py > max_.y) return;  // beyond the axis (a plateau below it): no line, no label
  for (float x = min_.x; x < max_.x; x += 8.0f)
    draw_->AddLine(ImVec2(x, py), ImVec2(std::min(x + 4.0f, max_.x), py), colour, 1.0f);
  record_.curves.push_back({{ImVec2(min_.x, py), ImVec2(max_.x, py)}, colour, 1.0f, true, true});
  if (label && *label) pending_.push_back({label, short_label ? short_label : "", colour, false, py});
}

void Plot::point(double x, double y, ImU32 colour, float radius) {
  if (!std::isfinite(x) || !std::isfinite(y) || (x_.log && x <= 0) || (y_.log && y <= 0)) return;
  draw_->AddCircleFilled(to_screen(x, y), radius, colour);
}

namespace {

std::string svg_colour(ImU32 c, const char* attribute) {
  char out[96];
  const unsigned r = c & 0xFF, g = (c >> 8) & 0xFF, b = (c >> 16) & 0xFF, a = (c >> 24) & 0xFF;
  std::snprintf(out, sizeof out, " %s=\"#%02x%02x%02x\" %s-opacity=\"%.3f\"", attribute, r, g, b, attribute,
                static_cast<double>(a) / 255.0);
  return out;
}

std::string svg_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string svg_number(float v) {
  char out[32];
  std::snprintf(out, sizeof out, "%.2f", static_cast<double>(v));
  return out;
}

}  // namespace

std::string plot_svg(const PlotRecord& plot, ImU32 background, ImU32 text) {
  const float ox = plot.bounds.x, oy = plot.bounds.y;
  const float font = plot.font;
  const auto x = [&](float v) { return svg_number(v - ox); };
  const auto y = [&](float v) { return svg_number(v - oy); };
  // A text whose top-left (or anchor) is at (px, py), as ImGui draws it; `width` > 0 fixes its drawn width to
  // the one measured with the app's font, so that a label keeps the place it was given.
  const auto label = [&](float px, float py, ImU32 colour, const std::string& s, const char* anchor = "start",
                         float width = 0) {
    const std::string length =
        width > 0 ? " textLength=\"" + svg_number(width) + "\" lengthAdjust=\"spacingAndGlyphs\"" : "";
    return "<text x=\"" + x(px) + "\" y=\"" + y(py + 0.8f * font) + "\"" + svg_colour(colour, "fill") +
           " text-anchor=\"" + anchor + "\"" + length + ">" + svg_escape(s) + "</text>\n";
  };
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_number(plot.bounds.w) + "\" height=\"" +
                    svg_number(plot.bounds.h) + "\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"" +
                    svg_number(font) + "\">\n";
  out += "<rect width=\"100%\" height=\"100%\"" + svg_colour(background, "fill") + "/>\n";
  const Rect& a = plot.area;
  out += "<rect x=\"" + x(a.x) + "\" y=\"" + y(a.y) + "\" width=\"" + svg_number(a.w) + "\" height=\"" +
         svg_number(a.h) + "\" fill=\"none\"" + svg_colour(text, "stroke") + "/>\n";
  // Ticks as the plot drew them (nice_ticks with the same density).
  const auto position = [](const Axis& axis, double v) {
    return axis.log ? (std::log10(v) - std::log10(axis.min)) / (std::log10(axis.max) - std::log10(axis.min))
                    : (v - axis.min) / (axis.max - axis.min);
  };
  for (double t : nice_ticks(plot.x, std::max(2, static_cast<int>(a.w / (6 * font))))) {
    const float px = a.x + static_cast<float>(position(plot.x, t)) * a.w;
    out += label(px, a.y + a.h + 0.2f * font, text, tick_label(t), "middle");
  }
  for (double t : nice_ticks(plot.y, std::max(2, static_cast<int>(a.h / (2.5f * font))))) {
    const float py = a.y + a.h - static_cast<float>(position(plot.y, t)) * a.h;
    out += label(a.x - 0.3f * font, py - font / 2, text, tick_label(t), "end");
  }
  if (plot.dropped.empty())
    out += label(a.x + a.w / 2, a.y + a.h + 1.2f * font, text, plot.x_label, "middle");
  else
    out += label(a.x + a.w, a.y + a.h + 1.2f * font, text, plot.x_label, "end");
  out += label(ox, oy, text, plot.y_label);
  out += "<g clip-path=\"inset(0)\">\n";
  for (const DrawnCurve& c : plot.curves) {
    out += "<polyline fill=\"none\" stroke-width=\"" + svg_number(c.thickness) + "\"" + svg_colour(c.colour, "stroke") +
           (c.dashed ? " stroke-dasharray=\"4 4\"" : "") + " points=\"";
    for (const ImVec2& p : c.points) {
      const ImVec2 q(std::clamp(p.x, a.x, a.x + a.w), std::clamp(p.y, a.y, a.y + a.h));
      out += x(q.x) + "," + y(q.y) + " ";
    }
    out += "\"/>\n";
  }
  out += "</g>\n";
  for (std::size_t i = 0; i < plot.labels.size(); ++i)
    out +=
        label(plot.labels[i].rect.x + 0.25f * font, plot.labels[i].rect.y, plot.label_colours[i], plot.labels[i].text,
              "start", plot.labels[i].rect.w - 0.5f * font);  // the box: the text and a quarter line each side
  for (std::size_t i = 0; i < plot.legend.size(); ++i) {
    const Rect& r = plot.legend[i].rect;
    out += "<line x1=\"" + x(r.x) + "\" y1=\"" + y(r.y + font / 2) + "\" x2=\"" + x(r.x + 1.2f * font) + "\" y2=\"" +
           y(r.y + font / 2) + "\" stroke-width=\"2.5\"" + svg_colour(plot.legend_colours[i], "stroke") + "/>\n";
    out += label(r.x + 1.5f * font, r.y, text, plot.legend[i].text, "start", r.w - 1.5f * font);  // less the swatch
  }
  if (!plot.dropped.empty()) {
    std::string notes;
    for (const std::string& d : plot.dropped) notes += (notes.empty() ? "labels: " : "; ") + d;
    out += label(a.x, a.y + a.h + 1.2f * font, text, notes);
  }
  return out + "</svg>\n";
}

bool segment_meets(ImVec2 a, ImVec2 b, const Rect& r) {
  // Liang–Barsky: clip the segment's parameter range [0, 1] to the rectangle's four half-planes.
  double t0 = 0.0, t1 = 1.0;
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {a.x - r.x, r.x + r.w - a.x, a.y - r.y, r.y + r.h - a.y};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0.0) {
      if (q[i] < 0.0) return false;  // parallel to this edge and outside it
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0.0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

namespace {

// The segments of a plot's curves by columns of the plotting area, so that a label's box is tested against the
// segments near it only.
class SegmentIndex {
 public:
  SegmentIndex(const std::vector<DrawnCurve>& curves, const Rect& area) : curves_(curves), area_(area) {
    columns_.resize(static_cast<std::size_t>(std::max(1.0f, std::ceil(area.w / kWidth))));
    for (std::size_t c = 0; c < curves.size(); ++c)
      for (std::size_t i = 0; i + 1 < curves[c].points.size(); ++i) {
        const ImVec2 a = curves[c].points[i], b = curves[c].points[i + 1];
        for (std::size_t k = column(std::min(a.x, b.x)); k <= column(std::max(a.x, b.x)); ++k)
          columns_[k].push_back({c, i});
      }
  }
  // Whether any curve meets `r`, widened by half its line width.
  bool meets(const Rect& r) const {
    for (std::size_t k = column(r.x); k <= column(r.x + r.w); ++k)
      for (const auto& [c, i] : columns_[k]) {
        const float half = curves_[c].thickness / 2;
        if (segment_meets(curves_[c].points[i], curves_[c].points[i + 1],
                          {r.x - half, r.y - half, r.w + 2 * half, r.h + 2 * half}))
          return true;
      }
    return false;
  }

 private:
  static constexpr float kWidth = 8.0f;
  const std::vector<DrawnCurve>& curves_;
  Rect area_;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> columns_;
  std::size_t column(float x) const {
    const float u = std::clamp((x - area_.x) / kWidth, 0.0f, static_cast<float>(columns_.size() - 1));
    return static_cast<std::size_t>(u);
  }
};

}  // namespace

bool Plot::finish() {
  // Labels: identical texts merged, then each placed at the first free box near its line.
  std::vector<PendingLabel> labels;
  for (PendingLabel& p : pending_) {
    const auto same =
        std::find_if(labels.begin(), labels.end(), [&](const PendingLabel& l) { return l.text == p.text; });
    if (same != labels.end())
      ++same->count;
    else
      labels.push_back(p);
  }
  const SegmentIndex index(record_.curves, area());
  const Rect bounds = area();
  std::vector<Rect> taken;
  std::vector<ImU32> dropped_colours;      // of record_.dropped, for the notes line
  std::vector<std::string> dropped_short;  // and their short forms (empty: none)
  const auto free_box = [&](const Rect& r) {
    if (r.x < bounds.x || r.y < bounds.y || r.x + r.w > bounds.x + bounds.w || r.y + r.h > bounds.y + bounds.h)
      return false;
    for (const Rect& t : taken)
      if (overlaps(r, t)) return false;
    return !index.meets(r);
  };
  const float font = ImGui::GetFontSize();
  for (const PendingLabel& label : labels) {
    const std::string suffix = label.count > 1 ? " (×" + std::to_string(label.count) + ")" : "";
    bool placed = false;
    for (const std::string& text :
         {label.text + suffix, label.short_text.empty() ? std::string() : label.short_text + suffix}) {
      if (text.empty() || placed) continue;
      const ImVec2 size = ImGui::CalcTextSize(text.c_str());
      const float pad = 0.25f * size.y;
      const float w = size.x + 2 * pad, h = size.y;
      std::vector<Rect> candidates;
      if (label.vertical) {
        for (float y = bounds.y + 2; y + h <= bounds.y + bounds.h - 2; y += 0.25f * h) {
          candidates.push_back({label.at + 2, y, w, h});
          candidates.push_back({label.at - 2 - w, y, w, h});
        }
      } else {
        for (float x = bounds.x + 4; x + w <= bounds.x + bounds.w - 4; x += 0.5f * h) {
          candidates.push_back({x, label.at - h - 2, w, h});
          candidates.push_back({x, label.at + 2, w, h});
        }
      }
      for (const Rect& r : candidates)
        if (free_box(r)) {
          taken.push_back(r);
          label_backing(r);
          draw_->AddText(ImVec2(r.x + pad, r.y), label.colour, text.c_str());
          record_.labels.push_back({text, r});
          record_.label_colours.push_back(label.colour);
          placed = true;
          break;
        }
    }
    if (!placed) {
      record_.dropped.push_back(label.text + suffix);
      dropped_colours.push_back(label.colour);
      dropped_short.push_back(label.short_text.empty() ? std::string() : label.short_text + suffix);
    }
  }
  draw_->PopClipRect();
  // The row under the ticks: the notes (labels dropped from the plot, in their colours) from the left, the x
  // axis title centred, or at the right end when notes are there.
  const ImU32 text_colour = active_palette().text_dim;
  const float title_w = ImGui::CalcTextSize(record_.x_label.c_str()).x;
  const float title_x = record_.dropped.empty() ? (min_.x + max_.x - title_w) / 2 : max_.x - title_w;
  draw_->AddText(ImVec2(title_x, notes_at_.y), text_colour, record_.x_label.c_str());
  float x = notes_at_.x;
  const float room = title_x - font;
  for (std::size_t k = 0; k < record_.dropped.size(); ++k) {
    // "labels:" first, so that the row reads as the plot's markers, not as an axis annotation; a label's short
    // form where the long one does not fit.
    const std::string lead = k == 0 ? "labels: " : "; ";
    std::string note = lead + record_.dropped[k];
    if (x + ImGui::CalcTextSize(note.c_str()).x > room && !dropped_short[k].empty()) note = lead + dropped_short[k];
    const float w = ImGui::CalcTextSize(note.c_str()).x;
    // The last one that fits leaves room for the count of those that do not ("+2 more"); hovering the row
    // lists them all (they are in the record and the SVG too).
    const std::size_t after = record_.dropped.size() - k - 1;
    const std::string more = "; +" + std::to_string(after) + " more";
    const float more_w = after > 0 ? ImGui::CalcTextSize(more.c_str()).x : 0.0f;
    if (x + w + more_w > room) {
      const std::string rest = (k == 0 ? "labels: +" : "; +") + std::to_string(record_.dropped.size() - k) + " more";
      draw_->AddText(ImVec2(x, notes_at_.y), text_colour, rest.c_str());
      record_.notes += rest;
      if (ImGui::IsMouseHoveringRect(ImVec2(notes_at_.x, notes_at_.y), ImVec2(room, notes_at_.y + font))) {
        std::string all;
        for (const std::string& d : record_.dropped) all += (all.empty() ? "" : "\n") + d;
        ImGui::SetTooltip("%s", all.c_str());
      }
      break;
    }
    draw_->AddText(ImVec2(x, notes_at_.y), dropped_colours[k], note.c_str());
    record_.notes += note;
    x += w;
  }
  record_.area = area();
  frame_records().plots.push_back(std::move(record_));
  if (hovered_) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const ImU32 crosshair = active_palette().crosshair;
    draw_->AddLine(ImVec2(m.x, min_.y), ImVec2(m.x, max_.y), crosshair);
    draw_->AddLine(ImVec2(min_.x, m.y), ImVec2(max_.x, m.y), crosshair);
  }
  return hovered_;
}

}  // namespace grassflow::app
