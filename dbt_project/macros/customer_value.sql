{#
    Predicted 12-month customer value: the historic run-rate projection of customer-base
    analysis. A customer's net value per day of tenure (paid minus refunded revenue since
    their first paid order, up to the data's last day) carried forward over the next
    value_horizon_days, for a customer still alive (not churned, account open); 0 for
    the others. Tenure counts at least value_min_tenure_days, so a customer who bought once
    last week is not projected at one order a week. It is the constant-margin customer-value
    model of Gupta & Lehmann (2003), "Customers as assets", Journal of Interactive Marketing
    17(1), 9-24, over one year without discounting, the yearly margin taken from the
    customer's own history. Why not BG/NBD + Gamma-Gamma (Fader, Hardie & Lee 2005,
    Marketing Science 24(2), 275-284): no maintained implementation installs with the
    project's pins (README, "Customer value").
#}
{% macro predicted_value_12m(historic_value, tenure_days, is_alive) -%}
    case
        when {{ is_alive }} and {{ historic_value }} > 0 then
            {{ historic_value }} * {{ var('value_horizon_days') }}.0
            / greatest({{ tenure_days }}, {{ var('value_min_tenure_days') }})
        else 0.0
    end
{%- endmacro %}
