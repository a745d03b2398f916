import { z } from 'zod';

/**
 * A coach's words about one ride: the fields of the seed's analysis. The AI
 * answers in this shape (sent as JSON Schema) and the built-in coach writes the
 * same, so the rider reads one format whoever wrote it. There is no field for
 * the ride's numbers: those are always ours, shown next to these words.
 */
export const rideFeedbackSchema = z.object({
  performance_summary: z.string().min(1).max(1200).describe('Two to four sentences: what kind of ride it was and how it went.'),
  strengths: z.array(z.string().min(1).max(400)).max(5).describe('What went well, each read from the numbers given.'),
  areas_for_improvement: z.array(z.string().min(1).max(400)).max(5).describe('What to work on, each read from the numbers given.'),
  training_suggestions: z.array(z.string().min(1).max(400)).max(5).describe('Advice for the coming weeks.'),
  next_workout_recommendations: z.array(z.string().min(1).max(400)).max(3).describe('The next one to three days, concretely.'),
  performance_score: z.number().int().min(1).max(10).describe('1 (poor) to 10 (excellent) for how well the ride served its purpose.'),
});

export type RideFeedback = z.infer<typeof rideFeedbackSchema>;
