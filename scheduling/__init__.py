"""The scheduler process and the jobs it works: closing rounds on their rhythm, optimizing,
sending e-mail. It sits above the domain it schedules and is never started in a web worker."""
