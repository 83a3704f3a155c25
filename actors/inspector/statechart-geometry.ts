// Points, rectangles and cubic Bézier curves for the statechart layout.

export interface Point { x: number; y: number }

export interface Rect { x: number; y: number; width: number; height: number }

/** A cubic Bézier curve; a straight edge has its control points on the line. */
export interface Curve { from: Point; control1: Point; control2: Point; to: Point }

/** Returns the point at fraction `t` of the way from `a` to `b`. */
export function lerp(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}

/** Evaluates a cubic Bézier curve at `t` (0 to 1). */
export function pointOnCurve(curve: Curve, t: number): Point {
  const u = 1 - t;
  const weights = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
  const points = [curve.from, curve.control1, curve.control2, curve.to];
  return {
    x: points.reduce((sum, point, index) => sum + point.x * weights[index], 0),
    y: points.reduce((sum, point, index) => sum + point.y * weights[index], 0),
  };
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function contains(rect: Rect, point: Point): boolean {
  return point.x > rect.x && point.x < rect.x + rect.width && point.y > rect.y && point.y < rect.y + rect.height;
}
