package dev.fleet.cli;

import dev.fleet.CapacityReport;
import dev.fleet.CapacityUse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code fleet capacity --plot FILE.png}: two charts, one above the other, of each busy capability's share of
 * time at the ceiling and its p95 wait over the window, drawn with XChart.
 *
 * <p>Thread-safe: stateless; rendering runs headless on the calling thread.
 */
final class CapacityPlot {
  private CapacityPlot() {}

  static void write(CapacityReport r, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    String span = CapacityPage.words(r.covered());
    boolean hours = r.covered().toMinutes() >= 180;
    String ago = hours ? "hours ago" : "minutes ago";
    XYChart ceiling = new XYChartBuilder().width(900).height(360)
        .title("At the ceiling over the last " + span).xAxisTitle(ago).yAxisTitle("share of machine time %")
        .build();
    XYChart waits = new XYChartBuilder().width(900).height(360)
        .title("p95 wait over the last " + span).xAxisTitle(ago).yAxisTitle("minutes").build();
    int drawn = 0;
    for (CapacityUse u : r.uses()) {
      if (u.series().isEmpty() || u.ceilingShare() == 0 && u.finished() == 0 && u.meanQueue() == 0) {
        continue;
      }
      int n = u.series().size();
      double slice = r.covered().toSeconds() / (hours ? 3600.0 : 60.0) / n;
      List<Double> x = new ArrayList<>();
      List<Double> share = new ArrayList<>();
      List<Double> wait = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        x.add(-(n - i - 0.5) * slice);
        share.add(100 * u.series().get(i));
        wait.add(i < u.waitSeries().size() ? u.waitSeries().get(i).toSeconds() / 60.0 : 0);
      }
      String name = (u.role() ? "role " : "") + u.name();
      ceiling.addSeries(name, x, share).setMarker(SeriesMarkers.NONE);
      waits.addSeries(name, x, wait).setMarker(SeriesMarkers.NONE);
      drawn++;
    }
    if (drawn == 0) {
      throw new IllegalArgumentException("nothing to plot: no capability had work or was at the ceiling in the last "
          + CapacityPage.words(r.window()));
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(List.of(ceiling, waits), 2, 1, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
