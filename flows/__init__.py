"""Prefect flows that move promises through their stages, and the plain functions they wrap.

Each flow is a thin Prefect shell around a plain function in ``flows.service`` (or the
package's other modules), so the same work can be measured and tested without Prefect.
"""
