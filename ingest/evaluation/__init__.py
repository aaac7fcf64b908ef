"""How good the rankings are: ranking metrics, the evaluation on real ANR collaborations
against baselines, its review year by year, and the quality of realistic needs."""
