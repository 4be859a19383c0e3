// Loss landscape heatmap: a grid of loss values (R16F texture) mapped to the colormap.
// u_range = (low, high) of the colour scale; u_log = 1 maps log10(value) instead (values must be > 0).
in vec2 v_uv;
out vec4 frag_colour;
uniform sampler2D u_values;
uniform vec2 u_range;
uniform int u_log;
void main() {
  float v = texture(u_values, v_uv).r;
  float t;
  if (u_log == 1) {
    t = (log(max(v, 1e-30)) / log(10.0) - u_range.x) / (u_range.y - u_range.x);
  } else {
    t = (v - u_range.x) / (u_range.y - u_range.x);
  }
  frag_colour = vec4(colormap(t), 1.0);
}
