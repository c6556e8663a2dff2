/**
 * Every default the teacher can change, and the limits around them, in one place: the settings, the
 * screens and the rules read them from here (a test checks that the settings' defaults are these).
 */

/** Face photos "Take photos" collects for a student, and the most it allows (the original took 100). */
export const DEFAULT_SAMPLE_TARGET = 20;
export const MAX_SAMPLE_TARGET = 100;

/** Arriving this many minutes after a session's start counts as late. */
export const DEFAULT_LATE_AFTER_MINUTES = 10;

/** A student last seen this many minutes before a session's end "left early" (0: never counted). */
export const DEFAULT_LEFT_EARLY_MINUTES = 15;

/**
 * The match score a face needs where training cannot measure one (a single student, or too few photos to
 * hold strangers' faces against); also where the Settings slider starts when the teacher first moves it.
 */
export const FALLBACK_THRESHOLD = 0.5;

/**
 * A session still open with nothing recorded in it for this long was left open by a crash or a closed tab:
 * on the next start it is closed at its last activity.
 */
export const STALE_SESSION_MS = 3 * 3_600_000;

/** With a PIN, the app locks after this many minutes without a click or key. */
export const DEFAULT_LOCK_AFTER_MINUTES = 5;
