"""The words people read, in their language: labels for statuses, categories, outcomes and
audit actions, and dates formatted for pages. Used by services, documents and templates."""
